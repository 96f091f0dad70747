package org.messageexport.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the worker writes a batch: {@link #OBJECT} one JSON object per message (the default), or {@link #NDJSON_GZ}
 * one gzip'd NDJSON object per batch, one line per message (the same JSON as an object), which costs one PUT per
 * batch instead of one per message.
 */
public enum OutputFormat {
    OBJECT("object"),
    NDJSON_GZ("ndjson-gz");

    public static final OutputFormat DEFAULT = OBJECT;

    private final String setting;

    OutputFormat(String setting) {
        this.setting = setting;
    }

    /** The value as {@code OUTPUT_FORMAT} and the CDK context key spell it. */
    public String setting() {
        return setting;
    }

    /** The format named {@code value} (any case, surrounding blanks ignored), if any. */
    public static Optional<OutputFormat> of(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.setting.equals(v)).findFirst();
    }

    /** The accepted values, for messages: {@code object|ndjson-gz}. */
    public static String choices() {
        return Arrays.stream(values()).map(OutputFormat::setting).collect(Collectors.joining("|"));
    }
}
