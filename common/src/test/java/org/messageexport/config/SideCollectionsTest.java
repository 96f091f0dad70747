package org.messageexport.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.messageexport.domain.SideCollection;

class SideCollectionsTest {
    @Test
    void unset_meansHistoryStatusAuditJoinedOnMessageId() {
        assertThat(SideCollections.from(new Env(Map.of())))
                .extracting(SideCollection::name)
                .containsExactly("history", "status", "audit");
        assertThat(SideCollections.from(new Env(Map.of()))).allSatisfy(c -> {
            assertThat(c.joinField()).isEqualTo("message_id");
            assertThat(c.sortField()).isEqualTo("timestamp");
        });
    }

    @Test
    void parsesTheList_inOrder() {
        var env = new Env(Map.of(EnvNames.SIDE_COLLECTIONS, "notes:msg-notes:msgId:created, events:ev:message_id:at"));
        assertThat(SideCollections.from(env))
                .containsExactly(
                        new SideCollection("notes", "msg-notes", "msgId", "created"),
                        new SideCollection("events", "ev", "message_id", "at"));
    }

    @Test
    void badItem_failsWithOneLineNamingTheVariable() {
        assertThatThrownBy(() ->
                        SideCollections.from(new Env(Map.of(EnvNames.SIDE_COLLECTIONS, "history:history:message_id"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SIDE_COLLECTIONS must be name:index:joinField:sortField");
        assertThatThrownBy(() -> SideCollections.from(new Env(Map.of(EnvNames.SIDE_COLLECTIONS, "a:b:c:d,a:e:f:g"))))
                .hasMessageContaining("SIDE_COLLECTIONS")
                .hasMessageContaining("'a'");
        assertThatThrownBy(() -> SideCollections.from(new Env(Map.of(EnvNames.SIDE_COLLECTIONS, "export:b:c:d"))))
                .hasMessageContaining("reserved");
    }
}
