package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PageExtractorTest {
    @Test
    void idsUpTo255Characters_areTrackable() {
        assertThatCode(() -> PageExtractor.requireTrackableIds(List.of("a", "b".repeat(255))))
                .doesNotThrowAnyException();
    }

    @Test
    void aLongerId_stopsTheJob_namingIt() {
        String id = "x".repeat(300);
        assertThatThrownBy(() -> PageExtractor.requireTrackableIds(List.of("ok", id)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(
                        "message id of 300 characters cannot be tracked (message_tracking.message_id holds 255): xxxx")
                .hasMessageNotContaining("\n");
    }
}
