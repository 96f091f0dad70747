package org.messageexport.adapter.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One hit of either engine: id, index, {@code _source} as parsed, and its sort values as plain Java values. */
public record SearchHit(String id, String index, JsonNode source, List<Object> sort) {
    public SearchHit {
        sort = sort == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(sort));
    }
}
