package org.messageexport.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * Where a message's object goes: {@code {prefix}/{yyyy}/{MM}/{dd}/{safe id}.json}, the date being the
 * message's timestamp in UTC.
 *
 * <p>The safe id is injective, so two ids never share a key: bytes of the UTF-8 id outside
 * {@code [A-Za-z0-9._-]} become {@code %XX} (upper-case hex; {@code %} itself is escaped), and so does a
 * leading dot, so no key segment is {@code .}, {@code ..} or hidden. An id whose encoding is longer than
 * {@value #MAX_SAFE_ID} characters becomes its first characters, {@code ~}, and the SHA-256 of the id:
 * {@code ~} never appears in an encoding, so hashed and plain names cannot collide.
 */
public record ObjectKeyScheme(String prefix) {
    public static final String DEFAULT_PREFIX = "exports";
    /** Keeps keys well under S3's 1024 bytes and the tracking table's {@code s3_path VARCHAR(500)}. */
    public static final int MAX_SAFE_ID = 200;

    private static final int HASHED_HEAD = MAX_SAFE_ID - 1 - 64;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    public ObjectKeyScheme {
        prefix = trimSlashes(prefix == null ? "" : prefix.trim());
    }

    public String key(String messageId, Instant timestamp) {
        LocalDate day = LocalDate.ofInstant(timestamp, ZoneOffset.UTC);
        StringBuilder key = new StringBuilder(prefix.length() + 16 + messageId.length() * 3);
        if (!prefix.isEmpty()) {
            key.append(prefix).append('/');
        }
        key.append(String.format("%04d/%02d/%02d/", day.getYear(), day.getMonthValue(), day.getDayOfMonth()));
        return key.append(safeId(messageId)).append(".json").toString();
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
