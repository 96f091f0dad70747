package org.messageexport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.domain.ObjectKeyScheme;

/** KEY_HASH_PREFIX and TRACKING_RETENTION_DAYS: defaults that keep the seed's behaviour, one line for a bad value. */
class ScaleSettingsTest {
    private static final Instant TS = Instant.parse("2026-11-02T10:00:00Z");

    @Test
    void keyScheme_defaultsToTheSeedsLayout_andTakesTheHashedPrefix() {
        ObjectKeyScheme seed = ObjectKeySettings.from(new Env(Map.of()));
        assertThat(seed).isEqualTo(new ObjectKeyScheme(ObjectKeyScheme.DEFAULT_PREFIX, 0));
        assertThat(seed.key("m-1", TS)).isEqualTo("exports/2026/11/02/m-1.json");

        ObjectKeyScheme hashed =
                ObjectKeySettings.from(new Env(Map.of(EnvNames.KEY_PREFIX, "a/b", EnvNames.KEY_HASH_PREFIX, "3")));
        assertThat(hashed.key("m-1", TS)).matches("a/b/[0-9a-f]{3}/2026/11/02/m-1\\.json");
    }

    @Test
    void keyHashPrefix_outOfRange_failsNamingTheVariable() {
        assertThatThrownBy(() -> ObjectKeySettings.from(new Env(Map.of(EnvNames.KEY_HASH_PREFIX, "9"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KEY_HASH_PREFIX")
                .hasMessageContaining("from 0 to 8, got 9")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ObjectKeySettings.from(new Env(Map.of(EnvNames.KEY_HASH_PREFIX, "two"))))
                .hasMessageContaining("KEY_HASH_PREFIX");
    }

    @Test
    void trackingRetentionDays_defaultsToForever_andRefusesNegatives() {
        assertThat(JobSettings.from(new Env(Map.of())).trackingRetentionDays()).isZero();
        assertThat(JobSettings.from(new Env(Map.of(EnvNames.TRACKING_RETENTION_DAYS, "30")))
                        .trackingRetentionDays())
                .isEqualTo(30);
        assertThatThrownBy(() -> JobSettings.from(new Env(Map.of(EnvNames.TRACKING_RETENTION_DAYS, "-1"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TRACKING_RETENTION_DAYS")
                .hasMessageNotContaining("\n");
    }
}
