package org.messageexport.adapter.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.FieldCapsResponse;
import co.elastic.clients.elasticsearch.core.field_caps.FieldCapability;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.messageexport.port.IndexSchema;

/**
 * {@link IndexSchema} by the field capabilities API (aliases, patterns and multi-fields resolved by the cluster).
 * Pseudo-types of unmapped fields ({@code unmapped}) and of objects ({@code object}, {@code nested}) do not count as
 * a mapping of the field.
 */
public final class ElasticsearchIndexSchema implements IndexSchema {
    private static final Set<String> NOT_A_VALUE = Set.of("unmapped", "object", "nested");

    private final ElasticsearchClient client;

    public ElasticsearchIndexSchema(ElasticsearchClient client) {
        this.client = client;
    }

    @Override
    public Optional<Map<String, Set<String>>> fieldTypes(String index, Collection<String> fields) {
        FieldCapsResponse response;
        try {
            response = client.fieldCaps(
                    f -> f.index(index).fields(List.copyOf(fields)).ignoreUnavailable(false));
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw ElasticsearchErrors.translate("field capabilities of " + index, e);
        } catch (IOException | RuntimeException e) {
            throw ElasticsearchErrors.translate("field capabilities of " + index, e);
        }
        if (response.indices().isEmpty()) {
            return Optional.empty();
        }
        Map<String, Set<String>> out = new HashMap<>();
        for (Map.Entry<String, Map<String, FieldCapability>> field :
                response.fields().entrySet()) {
            Set<String> types = new TreeSet<>(field.getValue().keySet());
            types.removeAll(NOT_A_VALUE);
            if (!types.isEmpty()) {
                out.put(field.getKey(), types);
            }
        }
        return Optional.of(out);
    }
}
