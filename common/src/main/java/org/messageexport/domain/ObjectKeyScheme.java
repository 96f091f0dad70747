package org.messageexport.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * Every object key of the bucket: a message's object goes to {@code {prefix}/{yyyy}/{MM}/{dd}/{safe id}.json},
 * the date being the message's timestamp in UTC; in the {@code ndjson-gz} output format a batch's object to
 * {@code {prefix}/{yyyy}/{MM}/{dd}/batch-{job}-{batch}.ndjson.gz}, the date being its earliest message's, and a
 * message's place in it is {@code {key}#{line}} (1-based, {@link #linePath}). With a hashed prefix of
 * {@code hashChars} &gt; 0 both get a folder {@code {hash}/} between the prefix and the date,
 * {@code {hash}} being the first {@code hashChars} hex characters of the SHA-256 of the UTF-8 id (of the batch
 * object's name, {@code batch-{job}-{batch}}, for a batch): S3 serves about 3,500 PUTs per second per key prefix,
 * and a day's objects then spread evenly over {@code 16^hashChars} prefixes. The hash depends on the id (or the
 * name) alone, so a key never changes while the setting stays; the manifest states the patterns, and each tracking
 * row keeps the key its object was written under ({@code s3_path}), so objects are found whatever the setting
 * was. A job's manifest to
 * {@code {prefix}/manifests/{start}_{end}_job-{id}.json}; objects that belong to no export (a benchmark's
 * throw-away PUTs) outside the prefix, under a folder of their own ({@link #scratchKey}).
 *
 * <p>The safe id is injective, so two ids never share a key: bytes of the UTF-8 id outside
 * {@code [A-Za-z0-9._-]} become {@code %XX} (upper-case hex; {@code %} itself is escaped), and so does a
 * leading dot, so no key segment is {@code .}, {@code ..} or hidden. An id whose encoding is longer than
 * {@value #MAX_SAFE_ID} characters becomes its first characters, {@code ~}, and the SHA-256 of the id:
 * {@code ~} never appears in an encoding, so hashed and plain names cannot collide.
 */
public record ObjectKeyScheme(String prefix, int hashChars) {
    /** The key prefix when none is configured, everywhere (functions, local runs, CDK). */
    public static final String DEFAULT_PREFIX = "exports";
    /** The folder of the manifests, under the prefix. */
    public static final String MANIFESTS = "manifests";
    /** Keeps keys well under S3's 1024 bytes and the tracking table's {@code s3_path VARCHAR(500)}. */
    public static final int MAX_SAFE_ID = 200;
    /** How batch objects' keys end. */
    public static final String BATCH_SUFFIX = ".ndjson.gz";

    /** The most hex characters of a hashed prefix: 16^8 prefixes is far beyond any need. */
    public static final int MAX_HASH_CHARS = 8;

    private static final int HASHED_HEAD = MAX_SAFE_ID - 1 - 64;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public ObjectKeyScheme {
        prefix = trimSlashes(prefix == null ? "" : prefix.trim());
        if (hashChars < 0 || hashChars > MAX_HASH_CHARS) {
            throw new IllegalArgumentException(
                    "a hashed key prefix has 0 to " + MAX_HASH_CHARS + " hex characters, got " + hashChars);
        }
    }

    /** The seed's layout: no hashed prefix. */
    public ObjectKeyScheme(String prefix) {
        this(prefix, 0);
    }

    /** The key of a message's object, by its id and its timestamp's UTC date. */
    public String key(String messageId, Instant timestamp) {
        LocalDate day = LocalDate.ofInstant(timestamp, ZoneOffset.UTC);
        StringBuilder key = new StringBuilder(prefix.length() + 16 + messageId.length() * 3);
        key.append(folder());
        if (hashChars > 0) {
            key.append(hashFolder(messageId));
        }
        key.append(String.format("%04d/%02d/%02d/", day.getYear(), day.getMonthValue(), day.getDayOfMonth()));
        return key.append(safeId(messageId)).append(".json").toString();
    }

    /** The message objects' keys as a pattern for people (the manifest states it). */
    public String keyPattern() {
        return folder() + (hashChars > 0 ? "{hash:" + hashChars + "}/" : "") + "{yyyy}/{MM}/{dd}/{message_id}.json";
    }

    /**
     * The hashed folder of a key, {@code {hash}/}: the first {@code hashChars} lower-case hex characters of the
     * SHA-256 of {@code seed}'s UTF-8 bytes (a message id, or the name of an object that holds many messages).
     */
    String hashFolder(String seed) {
        return sha256(seed.getBytes(StandardCharsets.UTF_8)).substring(0, hashChars) + "/";
    }

    /**
     * The key of a batch's NDJSON.gz object: one per job and batch, so that writing the batch again replaces it. The
     * date is the UTC date of {@code earliest}, its earliest message's timestamp.
     */
    public String batchKey(long jobId, long batchId, Instant earliest) {
        LocalDate day = LocalDate.ofInstant(earliest, ZoneOffset.UTC);
        String name = "batch-" + jobId + "-" + batchId;
        return folder()
                + (hashChars > 0 ? hashFolder(name) : "")
                + String.format(
                        "%04d/%02d/%02d/%s%s",
                        day.getYear(), day.getMonthValue(), day.getDayOfMonth(), name, BATCH_SUFFIX);
    }

    /** The batch objects' keys as a pattern for people (the manifest states it). */
    public String batchKeyPattern() {
        return folder()
                + (hashChars > 0 ? "{hash:" + hashChars + "}/" : "")
                + "{yyyy}/{MM}/{dd}/batch-{job_id}-{batch_id}"
                + BATCH_SUFFIX;
    }

    /** Where a message is in a batch object: {@code {key}#{line}}, the line 1-based (a tracking row's s3_path). */
    public static String linePath(String key, int line) {
        if (line < 1) {
            throw new IllegalArgumentException("lines count from 1, got " + line);
        }
        return key + "#" + line;
    }

    /** A {@link #linePath} taken apart; empty for a plain object key (no {@code #} followed by a line number). */
    public static java.util.Optional<LineRef> parseLinePath(String path) {
        int hash = path.lastIndexOf('#');
        if (hash <= 0 || hash == path.length() - 1) {
            return java.util.Optional.empty();
        }
        try {
            int line = Integer.parseInt(path.substring(hash + 1));
            return line < 1
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(new LineRef(path.substring(0, hash), line));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** A message's place in a batch object. */
    public record LineRef(String key, int line) {}

    /** The key of a job's manifest: one per job, named by its window and id. */
    public String manifestKey(JobRun job) {
        return folder() + MANIFESTS + "/" + job.window().start() + "_"
                + job.window().end() + "_job-" + job.jobId() + ".json";
    }

    /**
     * The key of the list of every object a job wrote, beside its manifest: one JSON line per object
     * ({@code {"message_id":…,"key":…}}), so that a consumer can check an export without listing the bucket.
     */
    public String exportedKeysKey(JobRun job) {
        String manifest = manifestKey(job);
        return manifest.substring(0, manifest.length() - ".json".length()) + ".keys.ndjson";
    }

    /**
     * A key for an object that is part of no export (a benchmark's throw-away copies): {@code {area}/{name}},
     * outside the prefix, so that nothing reading the exports meets it.
     *
     * @param area one key segment naming the purpose, e.g. {@code bench-bare-put}
     * @param name the rest of the key (a leading {@code /} is dropped)
     */
    public static String scratchKey(String area, String name) {
        if (area.isEmpty() || area.contains("/") || area.startsWith(".")) {
            throw new IllegalArgumentException("a scratch area is one key segment, got '" + area + "'");
        }
        return area + "/" + trimSlashes(name);
    }

    private String folder() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** The id as one key segment (see the class comment). */
    public static String safeId(String messageId) {
        if (messageId.isEmpty()) {
            throw new IllegalArgumentException("a message id cannot be empty");
        }
        byte[] utf8 = messageId.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(utf8.length + 8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xff;
            if (isSafe(b) && !(i == 0 && b == '.')) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        if (out.length() <= MAX_SAFE_ID) {
            return out.toString();
        }
        int head = HASHED_HEAD;
        // never cut inside a %XX escape
        if (out.charAt(head - 1) == '%') {
            head -= 1;
        } else if (out.charAt(head - 2) == '%') {
            head -= 2;
        }
        return out.substring(0, head) + "~" + sha256(utf8);
    }

    private static boolean isSafe(int b) {
        return (b >= 'a' && b <= 'z')
                || (b >= 'A' && b <= 'Z')
                || (b >= '0' && b <= '9')
                || b == '-'
                || b == '_'
                || b == '.';
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String trimSlashes(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == '/') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == '/') {
            to--;
        }
        return s.substring(from, to);
    }
}
