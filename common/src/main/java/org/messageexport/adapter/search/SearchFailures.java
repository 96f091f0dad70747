package org.messageexport.adapter.search;

import org.messageexport.port.TransientException;

/**
 * The one error mapping of both search engines at the adapter boundary, keeping the cause: no answer at all (status
 * 0 or less, I/O), 429 or 5xx is transient; any other answer is a refusal that retrying will not cure.
 */
public final class SearchFailures {
    private SearchFailures() {}

    public static boolean isTransient(int status) {
        return status <= 0 || status == 429 || status >= 500;
    }

    /** {@code what failed (status): detail}, transient or not by {@code status}. */
    public static RuntimeException of(String what, int status, String detail, Throwable cause) {
        String message = what + " failed (" + status + "): " + detail;
        return isTransient(status) ? new TransientException(message, cause) : new IllegalStateException(message, cause);
    }

    /** The request did not get an answer. */
    public static RuntimeException unreachable(String what, Throwable cause) {
        return new TransientException(what + " failed: " + cause, cause);
    }

    /** A partial answer would drop documents without a word: try again. */
    public static void requireAllShards(String index, int failedShards) {
        if (failedShards > 0) {
            throw new TransientException(failedShards + " shard(s) of " + index + " failed to answer", null);
        }
    }
}
