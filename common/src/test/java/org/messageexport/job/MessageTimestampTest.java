package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MessageTimestampTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Object of(String json, String field) throws Exception {
        return MessageTimestamp.of(JSON.readTree(json), field).orElse(null);
    }

    @Test
    void readsIsoWithAnyOffset_dateOnly_noOffset_andEpochMillis() throws Exception {
        assertThat(of("{\"timestamp\":\"2026-03-01T23:30:00-05:00\"}", "timestamp"))
                .isEqualTo(Instant.parse("2026-03-02T04:30:00Z"));
        assertThat(of("{\"timestamp\":\"2026-03-01T10:00:00.123456+0130\"}", "timestamp"))
                .isEqualTo(Instant.parse("2026-03-01T08:30:00.123456Z"));
        assertThat(of("{\"timestamp\":\"2026-03-01T10:00:00\"}", "timestamp"))
                .isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(of("{\"timestamp\":\"2026-03-01\"}", "timestamp")).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(of("{\"timestamp\":1772409600000}", "timestamp")).isEqualTo(Instant.ofEpochMilli(1772409600000L));
        assertThat(of("{\"timestamp\":\"1772409600000\"}", "timestamp"))
                .isEqualTo(Instant.ofEpochMilli(1772409600000L));
        assertThat(of("{\"meta\":{\"at\":\"2026-03-01T00:00:00Z\"}}", "meta.at"))
                .isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void isEmpty_whenMissingNullOrUnreadable() throws Exception {
        assertThat(of("{}", "timestamp")).isNull();
        assertThat(of("{\"timestamp\":null}", "timestamp")).isNull();
        assertThat(of("{\"timestamp\":\"yesterday\"}", "timestamp")).isNull();
        assertThat(of("{\"timestamp\":{\"a\":1}}", "timestamp")).isNull();
    }
}
