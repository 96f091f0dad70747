package org.messageexport.adapter.search;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.messageexport.config.CredentialSource;
import org.messageexport.config.Credentials;

/**
 * Sends a request with the credentials the {@link CredentialSource} holds now; when the cluster answers 401, reads the
 * secret again once and, if it changed, sends again. The same rule for both engines' transports. Thread-safe.
 */
public final class CredentialRetry {
    /** A request sent with some credentials. */
    @FunctionalInterface
    public interface Send<T> {
        T send(Credentials credentials) throws IOException;
    }

    private final CredentialSource credentials;
    private final Predicate<Throwable> unauthorized;

    /** @param unauthorized whether a failure is the cluster's 401 (each client has its own exception types) */
    public CredentialRetry(CredentialSource credentials, Predicate<Throwable> unauthorized) {
        this.credentials = credentials;
        this.unauthorized = unauthorized;
    }

    public <T> T send(Send<T> request) throws IOException {
        Credentials used = credentials.current();
        try {
            return request.send(used);
        } catch (IOException | RuntimeException e) {
            Credentials next = retryWith(e, used);
            if (next == null) {
                throw e;
            }
            return request.send(next);
        }
    }

    public <T> CompletableFuture<T> sendAsync(Function<Credentials, CompletableFuture<T>> request) {
        Credentials used = credentials.current();
        return request.apply(used).exceptionallyCompose(failure -> {
            Throwable e =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            Credentials next = retryWith(e, used);
            return next == null ? CompletableFuture.failedFuture(e) : request.apply(next);
        });
    }

    /** The credentials to send again with, or null when the failure is no 401 or the secret did not change. */
    private Credentials retryWith(Throwable failure, Credentials used) {
        if (!unauthorized.test(failure)) {
            return null;
        }
        Credentials next = credentials.refresh(used);
        return next.equals(used) ? null : next;
    }

    /** After a snapshot restore: the secret is read again on the next request. */
    public void forget() {
        credentials.forget();
    }
}
