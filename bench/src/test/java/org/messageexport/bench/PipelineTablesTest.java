package org.messageexport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.messageexport.adapter.mysql.MySqlDatabase;

class PipelineTablesTest {
    @Test
    void isWrittenForTheSchemaTheCodeNeeds() {
        assertThat(PipelineTables.WRITTEN_FOR_SCHEMA_VERSION).isEqualTo(MySqlDatabase.SCHEMA_VERSION);
        assertThatCode(() -> PipelineTables.requireSchemaVersion(MySqlDatabase.SCHEMA_VERSION))
                .doesNotThrowAnyException();
    }

    @Test
    void anotherSchemaVersion_failsAtOnce_withOneLineSayingWhatToCheck() {
        int next = PipelineTables.WRITTEN_FOR_SCHEMA_VERSION + 1;

        assertThatThrownBy(() -> PipelineTables.requireSchemaVersion(next))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("written for schema V" + PipelineTables.WRITTEN_FOR_SCHEMA_VERSION)
                .hasMessageContaining("needs V" + next)
                .hasMessageContaining("check its SQL against the new migrations")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
