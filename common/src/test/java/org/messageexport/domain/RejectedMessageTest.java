package org.messageexport.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RejectedMessageTest {
    @Test
    void idsUpTo512BytesOfUtf8_areTrackable() {
        assertThat(RejectedMessage.untrackableReason("a".repeat(512))).isNull();
        // 128 four-byte characters: 256 UTF-16 units, 512 bytes
        assertThat(RejectedMessage.untrackableReason("😀".repeat(128))).isNull();
        assertThat(RejectedMessage.untrackableReason("é".repeat(256))).isNull();
    }

    @Test
    void longerIds_areRejected_byTheirUtf8Length() {
        assertThat(RejectedMessage.untrackableReason("a".repeat(513)))
                .isEqualTo("message id of 513 bytes (UTF-8) is longer than the 512 bytes the tracking table holds"
                        + " (Elasticsearch's _id limit)");
        // 200 characters, but 600 bytes
        assertThat(RejectedMessage.untrackableReason("€".repeat(200))).startsWith("message id of 600 bytes");
        assertThat(RejectedMessage.untrackableReason("😀".repeat(129))).startsWith("message id of 516 bytes");
        assertThat(RejectedMessage.untrackableReason("")).isEqualTo("the message id is empty");
    }

    @Test
    void utf8Length_agreesWithTheJdk() {
        for (String s : List.of("", "abc", "é", "€", "😀x", "a\uD800b", "\uDC00")) {
            assertThat(RejectedMessage.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void split_keepsPageOrder_andRejectsEachIdOnce() {
        String long1 = "L".repeat(600);
        RejectedMessage.Split split = RejectedMessage.split(List.of("a", long1, "b", long1));

        assertThat(split.trackable()).containsExactly("a", "b");
        assertThat(split.rejected()).extracting(RejectedMessage::messageId).containsExactly(long1);
        assertThat(split.rejected().getFirst().idSha256()).hasSize(32);
    }
}
