package org.messageexport.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.elasticsearch.ElasticsearchMessageIndex;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.JobSettings;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.ExportWindow;
import org.messageexport.domain.ExtractionCursor;
import org.messageexport.domain.IdPage;

/**
 * Phase "raw PIT paging": the ids of the window through the extractor's own adapter
 * ({@link ElasticsearchMessageIndex}), nothing else: the rate extraction is measured against.
 */
final class RawPagingPhase {
    /** The ids listed and how long the listing took. */
    record Listing(List<String> ids, long nanos) {}

    private RawPagingPhase() {}

    static double run(Map<String, String> env, ExportWindow window, PrintStream out) throws IOException {
        Listing listing = windowIds(env, window);
        double rate = BenchStats.rate(listing.ids().size(), listing.nanos());
        out.printf(
                Locale.ROOT,
                "  raw PIT paging: %,d ids in %.2f s = %,.0f ids/s%n",
                listing.ids().size(),
                listing.nanos() / 1e9,
                rate);
        return rate;
    }

    /** Every id of {@code window}, paged as ExtractPage pages them (page size and keep-alive of the job settings). */
    static Listing windowIds(Map<String, String> env, ExportWindow window) throws IOException {
        ElasticsearchConfig config = ElasticsearchConfig.from(new Env(env), SecretLookup.NONE);
        JobSettings job = JobSettings.from(new Env(env));
        ElasticsearchClient es = ElasticsearchClients.create(config);
        try {
            ElasticsearchMessageIndex index = new ElasticsearchMessageIndex(es, config, job.pitKeepAlive());
            List<String> ids = new ArrayList<>(1 << 16);
            long t0 = System.nanoTime();
            ExtractionCursor cursor = new ExtractionCursor(null, null);
            while (true) {
                IdPage page = index.nextPage(window, cursor, job.pageSize());
                if (page.isEmpty()) {
                    index.release(page.next());
                    break;
                }
                ids.addAll(page.ids());
                cursor = page.next();
            }
            return new Listing(ids, System.nanoTime() - t0);
        } finally {
            es._transport().close();
        }
    }
}
