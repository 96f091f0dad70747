package org.messageexport.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where every id of an extracted page went: recorded as a row of the job, tracked already (by an earlier job
 * of the window, or repeated: a custom id field may hold one value twice), or rejected (see
 * {@link RejectedMessage}). {@code read = recorded + alreadyTracked + rejected}, or the page is not saved:
 * a write that ignored a row (INSERT IGNORE, a key two ids share) must never leave a message out silently.
 */
public record PageAccount(int read, int recorded, int alreadyTracked, int rejected) {

    /**
     * Accounts for a page from what the tracking table holds after it was written.
     *
     * @param read every id of the page, in page order, repeats included
     * @param recordedRows the ids of the rows the page's batches hold now (read back, not assumed)
     * @param alreadyTracked ids whose rows other jobs keep (an earlier job of the window exported them)
     * @param rejected the ids that cannot be tracked, each with its reason
     * @throws UnaccountedIdsException naming the ids when the three do not add up to the page
     */
    public static PageAccount of(
            String what,
            List<String> read,
            Collection<String> recordedRows,
            Collection<String> alreadyTracked,
            Collection<RejectedMessage> rejected) {
        Set<String> distinct = new LinkedHashSet<>(read);
        Set<String> recorded = new HashSet<>(recordedRows);
        List<String> strangers = new ArrayList<>();
        for (String id : recordedRows) {
            if (!distinct.contains(id)) {
                strangers.add(id);
            }
        }
        if (!strangers.isEmpty() || recorded.size() != recordedRows.size()) {
            throw new UnaccountedIdsException(what + ": rows recorded for ids not on the page (a changed or"
                    + " merged id) " + UnaccountedIdsException.list(strangers));
        }
        Set<String> rejectedIds = new HashSet<>();
        rejected.forEach(r -> rejectedIds.add(r.messageId()));
        Set<String> tracked = new HashSet<>(alreadyTracked);
        List<String> missing = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        for (String id : distinct) {
            int places = (recorded.contains(id) ? 1 : 0)
                    + (tracked.contains(id) ? 1 : 0)
                    + (rejectedIds.contains(id) ? 1 : 0);
            if (places == 0) {
                missing.add(id);
            } else if (places > 1) {
                twice.add(id);
            }
        }
        if (!missing.isEmpty()) {
            throw new UnaccountedIdsException(what + ": " + missing.size() + " of " + distinct.size()
                    + " ids neither recorded, nor tracked already, nor rejected "
                    + UnaccountedIdsException.list(missing));
        }
        if (!twice.isEmpty()) {
            throw new UnaccountedIdsException(what + ": ids counted twice " + UnaccountedIdsException.list(twice));
        }
        int repeats = read.size() - distinct.size();
        return new PageAccount(read.size(), recorded.size(), tracked.size() + repeats, rejectedIds.size());
    }

    /** Ids that a write left out, or rows that no id of the page explains: the page must not be saved. */
    public static final class UnaccountedIdsException extends IllegalStateException {
        private static final int LISTED = 20;

        public UnaccountedIdsException(String message) {
            super(message);
        }

        static String list(List<String> ids) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < Math.min(LISTED, ids.size()); i++) {
                out.append(i == 0 ? "" : ", ").append('\'').append(ids.get(i)).append('\'');
            }
            return out.append(ids.size() > LISTED ? ", … " + (ids.size() - LISTED) + " more]" : "]")
                    .toString();
        }
    }
}
