package org.messageexport.localkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.SecretLookup;

/**
 * Realistic sample data for local runs, demos, tests and benchmarks: messages spread over days (their
 * timestamps written with assorted UTC offsets) and, per message, history, status and audit documents
 * joined on {@code message_id}. Deterministic for a given seed.
 */
public final class SampleDataSeeder {
    public static final String MESSAGES = "messages";
    public static final List<String> SIDE_INDICES = List.of("history", "status", "audit");
    private static final int BULK_DOCS = 5_000;
    private static final String[] OFFSETS = {"Z", "+02:00", "-05:00", "+05:30", "-08:00", "+09:00"};
    private static final String[] CHANNELS = {"email", "sms", "push", "chat"};
    private static final String[] EVENTS = {"created", "queued", "sent", "delivered", "opened", "bounced", "retried"};
    private static final String[] STATUSES = {"accepted", "processing", "delivered", "failed", "read"};
    private static final String[] ACTIONS = {"view", "export", "update", "redact", "forward"};
    private static final String WORDS =
            "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore"
                    + " et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo";

    /**
     * @param firstDay the first day (UTC) that holds messages
     * @param dayWeights relative share of the messages per day from {@code firstDay} on
     * @param maxSideDocs each message gets 0..maxSideDocs documents in each side index (0: no side data)
     * @param bodyBytes approximate size of each message body
     */
    public record Spec(
            int messages, LocalDate firstDay, double[] dayWeights, int maxSideDocs, int bodyBytes, long seed) {
        public Spec {
            dayWeights = dayWeights.clone();
        }

        public static Spec evenlyOver(int messages, LocalDate firstDay, int days, int maxSideDocs) {
            double[] w = new double[days];
            java.util.Arrays.fill(w, 1.0);
            return new Spec(messages, firstDay, w, maxSideDocs, 1500, 42);
        }
    }

    /** What was written: message ids per UTC day, and side documents. */
    public record Seeded(Map<LocalDate, List<String>> idsByDay, long sideDocuments) {
        public List<String> idsIn(LocalDate day) {
            return idsByDay.getOrDefault(day, List.of());
        }

        public long messages() {
            return idsByDay.values().stream().mapToLong(List::size).sum();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SearchRest client;

    /** Seeds the cluster at {@code url} (Elasticsearch or OpenSearch: the same REST requests, no authentication). */
    public SampleDataSeeder(URI url) {
        this(url, null);
    }

    /** The cluster that {@code environment} (the functions' variables) names, with its credentials. */
    public static SampleDataSeeder forEnvironment(Map<String, String> environment) {
        ElasticsearchConfig cluster = ElasticsearchConfig.from(new Env(environment), SecretLookup.NONE);
        return new SampleDataSeeder(
                cluster.url(), cluster.credentials().current().authorizationHeader());
    }

    /** With an {@code Authorization} header value (an external cluster), or null. */
    public SampleDataSeeder(URI url, String authorization) {
        this.client = new SearchRest(url, authorization);
    }

    public void createIndices() throws IOException {
        createIfMissing(
                MESSAGES,
                Map.of(
                        "message_id",
                        "keyword",
                        "timestamp",
                        "date",
                        "channel",
                        "keyword",
                        "sender",
                        "keyword",
                        "recipient",
                        "keyword",
                        "subject",
                        "text",
                        "body",
                        "text"));
        for (String side : SIDE_INDICES) {
            createIfMissing(
                    side, Map.of("message_id", "keyword", "timestamp", "date", "event", "keyword", "actor", "keyword"));
        }
    }

    private void createIfMissing(String index, Map<String, String> fields) throws IOException {
        if (client.exists(index)) {
            return;
        }
        ObjectNode body = JSON.createObjectNode();
        body.putObject("settings")
                .put("number_of_shards", 1)
                .put("number_of_replicas", 0)
                .put("refresh_interval", "-1");
        ObjectNode properties = body.putObject("mappings").putObject("properties");
        fields.forEach((name, type) -> properties.putObject(name).put("type", type));
        client.create(index, JSON.writeValueAsString(body));
    }

    public long count(String index) throws IOException {
        if (!client.exists(index)) {
            return 0;
        }
        return client.count(index);
    }

    /** Writes the messages and their side documents, then refreshes; {@code progress} gets messages written so far. */
    public Seeded seed(Spec spec, IntConsumer progress) throws IOException {
        createIndices();
        Random random = new Random(spec.seed());
        double total = java.util.Arrays.stream(spec.dayWeights()).sum();
        Map<LocalDate, List<String>> idsByDay = new LinkedHashMap<>();
        long sideDocs = 0;
        List<Doc> pending = new ArrayList<>(BULK_DOCS + 100);
        for (int i = 0; i < spec.messages(); i++) {
            LocalDate day = pickDay(spec, total, random);
            Instant ts = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusMillis(random.nextLong(86_400_000L));
            String id = "msg-" + day + "-" + String.format("%07d", i);
            idsByDay.computeIfAbsent(day, d -> new ArrayList<>()).add(id);
            pending.add(new Doc(MESSAGES, id, message(id, ts, spec.bodyBytes(), random)));
            for (String side : SIDE_INDICES) {
                int n = spec.maxSideDocs() == 0 ? 0 : random.nextInt(spec.maxSideDocs() + 1);
                for (int k = 0; k < n; k++) {
                    pending.add(new Doc(
                            side,
                            id + "-" + side + "-" + k,
                            sideDoc(side, id, ts.plusSeconds(60L * k + random.nextInt(60)), random)));
                    sideDocs++;
                }
            }
            if (pending.size() >= BULK_DOCS) {
                flush(pending);
                progress.accept(i + 1);
            }
        }
        flush(pending);
        progress.accept(spec.messages());
        client.refresh(MESSAGES + "," + String.join(",", SIDE_INDICES));
        return new Seeded(idsByDay, sideDocs);
    }

    private static LocalDate pickDay(Spec spec, double total, Random random) {
        double r = random.nextDouble() * total;
        for (int d = 0; d < spec.dayWeights().length; d++) {
            r -= spec.dayWeights()[d];
            if (r < 0) {
                return spec.firstDay().plusDays(d);
            }
        }
        return spec.firstDay().plusDays(spec.dayWeights().length - 1L);
    }

    private record Doc(String index, String id, Map<String, Object> source) {}

    private void flush(List<Doc> docs) throws IOException {
        if (docs.isEmpty()) {
            return;
        }
        StringBuilder bulk = new StringBuilder(docs.size() * 512);
        for (Doc d : docs) {
            bulk.append(SearchRest.indexAction(d.index(), d.id(), d.source()));
        }
        client.bulk(bulk.toString());
        docs.clear();
    }

    /** The timestamp as a person's system would write it: local time with the offset of some zone. */
    static String withOffset(Instant ts, Random random) {
        String offset = OFFSETS[random.nextInt(OFFSETS.length)];
        ZoneOffset zone = offset.equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(offset);
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ts.atOffset(zone));
    }

    private static Map<String, Object> message(String id, Instant ts, int bodyBytes, Random random) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message_id", id);
        m.put("timestamp", withOffset(ts, random));
        m.put("channel", CHANNELS[random.nextInt(CHANNELS.length)]);
        m.put("sender", "user" + random.nextInt(5_000) + "@example.com");
        m.put("recipient", "user" + random.nextInt(5_000) + "@example.org");
        m.put("subject", text(random, 60));
        m.put("body", text(random, bodyBytes));
        m.put("headers", Map.of("priority", random.nextInt(5), "locale", random.nextBoolean() ? "en-GB" : "de-DE"));
        return m;
    }

    private static Map<String, Object> sideDoc(String side, String messageId, Instant ts, Random random) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("message_id", messageId);
        d.put("timestamp", withOffset(ts, random));
        switch (side) {
            case "history" -> {
                d.put("event", EVENTS[random.nextInt(EVENTS.length)]);
                d.put("actor", "svc-" + random.nextInt(20));
                d.put("details", text(random, 80));
            }
            case "status" -> {
                d.put("event", STATUSES[random.nextInt(STATUSES.length)]);
                d.put("code", 200 + random.nextInt(300));
            }
            default -> {
                d.put("event", ACTIONS[random.nextInt(ACTIONS.length)]);
                d.put("actor", "user" + random.nextInt(500));
                d.put("ip", "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256));
            }
        }
        return d;
    }

    private static String text(Random random, int bytes) {
        StringBuilder sb = new StringBuilder(bytes + 16);
        while (sb.length() < bytes) {
            int start = random.nextInt(WORDS.length() - 12);
            int space = WORDS.indexOf(' ', start);
            int end = WORDS.indexOf(' ', space + 1);
            sb.append(WORDS, space + 1, end < 0 ? WORDS.length() : end).append(' ');
        }
        return sb.substring(0, bytes).trim();
    }
}
