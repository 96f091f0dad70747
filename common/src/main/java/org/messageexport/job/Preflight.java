package org.messageexport.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.messageexport.config.EnvNames;
import org.messageexport.domain.SideCollection;
import org.messageexport.port.IndexSchema;

/**
 * Checks, before a window is planned, that the indices and fields the export reads exist with types it can use: the
 * messages index, its timestamp field (a date) and id field (a keyword or a whole number, unless it is the document
 * id), every side index, its join field (a keyword or a whole number: a text field would match words, not ids, and
 * every message would be exported without its documents) and its sort field (sortable). A wrong setting fails the
 * execution within seconds with one line naming the index or field, instead of failing rows hours later or
 * completing with empty side documents.
 */
public final class Preflight {
    static final Set<String> DATE_TYPES = Set.of("date", "date_nanos");
    static final Set<String> ID_TYPES =
            Set.of("keyword", "constant_keyword", "long", "integer", "short", "byte", "unsigned_long");
    static final Set<String> SORTABLE_TYPES = Set.of(
            "date",
            "date_nanos",
            "keyword",
            "constant_keyword",
            "long",
            "integer",
            "short",
            "byte",
            "double",
            "float",
            "half_float",
            "scaled_float",
            "unsigned_long");

    /** What the export reads: the messages index and its fields ({@code idField} null = the document id), the side collections. */
    public record Requirements(
            String messagesIndex, String timestampField, String idField, List<SideCollection> sideCollections) {
        public Requirements {
            sideCollections = List.copyOf(sideCollections);
        }
    }

    private final IndexSchema schema;
    private final Requirements requirements;

    public Preflight(IndexSchema schema, Requirements requirements) {
        this.schema = schema;
        this.requirements = requirements;
    }

    /** @throws PreflightException naming the first index or field that does not fit */
    public void check() {
        Requirements r = requirements;
        List<String> messageFields = new ArrayList<>(List.of(r.timestampField()));
        if (r.idField() != null) {
            messageFields.add(r.idField());
        }
        Map<String, Set<String>> messages = index(r.messagesIndex(), messageFields, EnvNames.MESSAGES_INDEX);
        field(r.messagesIndex(), messages, r.timestampField(), DATE_TYPES, "a date", EnvNames.MESSAGE_TIMESTAMP_FIELD);
        if (r.idField() != null) {
            field(r.messagesIndex(), messages, r.idField(), ID_TYPES, "a keyword", EnvNames.MESSAGE_ID_FIELD);
        }
        for (SideCollection c : r.sideCollections()) {
            Map<String, Set<String>> side =
                    index(c.index(), List.of(c.joinField(), c.sortField()), sideSetting(c, "index"));
            field(
                    c.index(),
                    side,
                    c.joinField(),
                    ID_TYPES,
                    "a keyword holding the message id",
                    sideSetting(c, "joinField"));
            field(c.index(), side, c.sortField(), SORTABLE_TYPES, "a sortable type", sideSetting(c, "sortField"));
        }
    }

    private Map<String, Set<String>> index(String index, List<String> fields, String setting) {
        Optional<Map<String, Set<String>>> types = schema.fieldTypes(index, fields);
        if (types.isEmpty()) {
            throw new PreflightException("preflight: index '" + index + "' does not exist (" + setting + ")");
        }
        return types.get();
    }

    private static void field(
            String index,
            Map<String, Set<String>> types,
            String field,
            Set<String> usable,
            String what,
            String setting) {
        Set<String> found = types.get(field);
        if (found == null || found.isEmpty()) {
            throw new PreflightException("preflight: field '" + field + "' is not mapped in index '" + index + "' ("
                    + setting + " needs " + what + ")");
        }
        if (!usable.containsAll(found)) {
            throw new PreflightException("preflight: field '" + field + "' of index '" + index + "' is mapped as "
                    + String.join("/", new java.util.TreeSet<>(found)) + " (" + setting + " needs " + what + ")");
        }
    }

    private static String sideSetting(SideCollection c, String part) {
        return EnvNames.SIDE_COLLECTIONS + " '" + c.name() + "' " + part;
    }
}
