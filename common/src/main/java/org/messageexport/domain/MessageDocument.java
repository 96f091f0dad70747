package org.messageexport.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A message as the index holds it, with its side documents.
 *
 * @param index the index the message was read from (the concrete index when the configured name is an alias)
 * @param source the message's {@code _source}
 * @param sideDocuments the {@code _source} of each side document by collection name, in the collection's
 *     sort order (ties by document id); every configured collection is present, possibly empty
 */
public record MessageDocument(
        String messageId, String index, JsonNode source, Map<String, List<JsonNode>> sideDocuments) {
    public MessageDocument {
        sideDocuments = Map.copyOf(sideDocuments);
    }
}
