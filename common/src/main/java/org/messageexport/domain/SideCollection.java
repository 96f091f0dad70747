package org.messageexport.domain;

import java.util.List;
import java.util.Objects;

/**
 * Documents exported with each message: those of {@code index} whose {@code joinField} holds the
 * message id, in the order of {@code sortField} (ties by document id), under {@code name} in the export.
 */
public record SideCollection(String name, String index, String joinField, String sortField) {
    /** history, status and audit, joined on {@code message_id}, ordered by {@code timestamp}. */
    public static final List<SideCollection> DEFAULTS = List.of(
            new SideCollection("history", "history", "message_id", "timestamp"),
            new SideCollection("status", "status", "message_id", "timestamp"),
            new SideCollection("audit", "audit", "message_id", "timestamp"));

    public SideCollection {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(joinField, "joinField");
        Objects.requireNonNull(sortField, "sortField");
    }
}
