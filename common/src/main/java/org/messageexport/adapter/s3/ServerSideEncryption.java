package org.messageexport.adapter.s3;

import org.messageexport.config.ConfigException;
import org.messageexport.config.EnvNames;

/**
 * How objects are encrypted at rest: {@code AES256} (SSE-S3, the default), {@code aws:kms} (SSE-KMS,
 * with {@code S3_KMS_KEY_ID} or the account's default key), or {@code none}: no header is sent, for
 * S3-compatible stores that refuse the SSE headers (the bucket's default encryption still applies on AWS).
 */
public record ServerSideEncryption(Mode mode, String kmsKeyId) {
    public enum Mode {
        AES256,
        KMS,
        NONE
    }

    public static final ServerSideEncryption AES256 = new ServerSideEncryption(Mode.AES256, null);
    public static final ServerSideEncryption NONE = new ServerSideEncryption(Mode.NONE, null);

    public static ServerSideEncryption parse(String value, String kmsKeyId) {
        String v = value == null ? "AES256" : value.trim();
        return switch (v) {
            case "AES256", "" -> AES256;
            case "aws:kms" ->
                new ServerSideEncryption(Mode.KMS, kmsKeyId == null || kmsKeyId.isBlank() ? null : kmsKeyId.trim());
            case "none" -> NONE;
            default ->
                throw new ConfigException(EnvNames.S3_SSE + " must be AES256, aws:kms or none, got '" + value + "'");
        };
    }
}
