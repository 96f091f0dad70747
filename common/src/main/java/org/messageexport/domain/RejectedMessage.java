package org.messageexport.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message whose id the tracking table cannot hold (a custom {@code MESSAGE_ID_FIELD} value longer than
 * {@value #MAX_ID_BYTES} bytes of UTF-8, Elasticsearch's own {@code _id} limit): it fails alone, with its reason,
 * and the rest of its window is exported.
 */
public record RejectedMessage(String messageId, String reason) {
    /** {@code message_tracking.message_id} is {@code VARBINARY(512)}: any Elasticsearch {@code _id} fits. */
    public static final int MAX_ID_BYTES = 512;

    /** The reason an id cannot be tracked, or null when it can. */
    public static String untrackableReason(String messageId) {
        if (messageId.isEmpty()) {
            return "the message id is empty";
        }
        int bytes = utf8Length(messageId);
        return bytes <= MAX_ID_BYTES
                ? null
                : "message id of " + bytes + " bytes (UTF-8) is longer than the " + MAX_ID_BYTES
                        + " bytes the tracking table holds (Elasticsearch's _id limit)";
    }

    /** The SHA-256 of the id's UTF-8 bytes (the key of a rejected message's row). */
    public byte[] idSha256() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A page's ids split into those the tracking table holds (in page order) and the rejected ones (once each). */
    public record Split(List<String> trackable, List<RejectedMessage> rejected) {}

    public static Split split(List<String> ids) {
        List<String> trackable = new ArrayList<>(ids.size());
        Map<String, RejectedMessage> rejected = new LinkedHashMap<>();
        for (String id : ids) {
            String reason = untrackableReason(id);
            if (reason == null) {
                trackable.add(id);
            } else {
                rejected.putIfAbsent(id, new RejectedMessage(id, reason));
            }
        }
        return new Split(trackable, List.copyOf(rejected.values()));
    }

    /** The length of the bytes JDBC sends for the id (a lone surrogate becomes one {@code ?}). */
    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
