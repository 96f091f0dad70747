package org.messageexport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Period;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.messageexport.domain.FailureBudget;

/** The one parser of each setting format, used by the handlers (Env) and the CDK app alike. */
class SettingFormatTest {
    @ParameterizedTest
    @ValueSource(strings = {"P0D", "PT0S", "-PT5M", "P", "PT", "5m", "P1M"})
    void positiveDuration_refusesZeroNegativeEmptyAndNonDurations(String value) {
        assertThatThrownBy(() -> SettingFormat.positiveDuration("LEASE_DURATION", value))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("LEASE_DURATION must be ")
                .hasMessageContaining("'" + value + "'")
                .satisfies(e -> assertThat(((ConfigException) e).problem()).startsWith("must be "));
    }

    @Test
    void outputFormat_acceptsTheTwoFormats_inAnyCase_andNamesTheChoicesOtherwise() {
        assertThat(SettingFormat.outputFormat("X", "object")).isEqualTo(org.messageexport.domain.OutputFormat.OBJECT);
        assertThat(SettingFormat.outputFormat("X", "NDJSON-gz "))
                .isEqualTo(org.messageexport.domain.OutputFormat.NDJSON_GZ);
        assertThatThrownBy(() -> SettingFormat.outputFormat("outputFormat", "ndjson"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("outputFormat must be one of object|ndjson-gz, got 'ndjson'");
    }

    @Test
    void positiveDuration_acceptsDaysAndTimes() {
        assertThat(SettingFormat.positiveDuration("X", "P1DT2H")).isEqualTo(Duration.ofHours(26));
        assertThat(SettingFormat.positiveDuration("X", "PT15M")).isEqualTo(Duration.ofMinutes(15));
    }

    @ParameterizedTest
    @ValueSource(strings = {"P0D", "P1M", "P1Y", "PT1H", "-P1D", "1"})
    void wholeDays_refusesAnythingButAPositiveNumberOfDays(String value) {
        assertThatThrownBy(() -> SettingFormat.wholeDays("EXPORT_WINDOW", value))
                .hasMessageStartingWith("EXPORT_WINDOW must be ");
    }

    @Test
    void wholeDays_andDates_andIntegers() {
        assertThat(SettingFormat.wholeDays("X", "P7D")).isEqualTo(Period.ofDays(7));
        assertThatThrownBy(() -> SettingFormat.date("FIRST_START_DATE", "2026-13-01"))
                .hasMessage("FIRST_START_DATE must be a date yyyy-MM-dd, got '2026-13-01'");
        assertThatThrownBy(() -> SettingFormat.integer("DB_POOL_SIZE", "1", 2, 100))
                .hasMessage("DB_POOL_SIZE must be from 2 to 100, got 1");
        assertThat(SettingFormat.integer("X", " 42 ", 1, Integer.MAX_VALUE)).isEqualTo(42);
        assertThat(SettingFormat.bool("X", "TRUE")).isTrue();
    }

    @Test
    void env_readsThroughTheSameFormats() {
        Env env = new Env(java.util.Map.of("PIT_KEEP_ALIVE", "P0D"));
        assertThatThrownBy(() -> env.duration("PIT_KEEP_ALIVE", Duration.ofMinutes(5)))
                .hasMessage("PIT_KEEP_ALIVE must be a positive duration such as PT15M, got 'P0D'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "five", "101%", "-2%", "%", "5 %%", ""})
    void failureBudget_refusesAnythingButACountOrAPercentage_inOneLine(String value) {
        assertThatThrownBy(() -> SettingFormat.failureBudget("FAILURE_BUDGET", value))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("FAILURE_BUDGET must be ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void failureBudget_isACountOrAPercentage() {
        assertThat(SettingFormat.failureBudget("X", "5")).isEqualTo(FailureBudget.count(5));
        assertThat(SettingFormat.failureBudget("X", " 0.5% ").toString()).isEqualTo("0.5%");
        assertThat(SettingFormat.failureBudget("X", "0.5%").allows(5, 1000)).isTrue();
        assertThat(SettingFormat.failureBudget("X", "0.5%").allows(6, 1000)).isFalse();
        assertThat(SettingFormat.failureBudget("X", "5").allows(5, 6)).isTrue();
        assertThat(SettingFormat.failureBudget("X", "5").allows(6, 1_000_000)).isFalse();
        assertThat(SettingFormat.failureBudget("X", "0").allows(0, 10)).isTrue();
        assertThat(SettingFormat.failureBudget("X", "100%").allows(10, 10)).isTrue();
    }
}
