package org.messageexport.port;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the search cluster maps the fields the export reads (the preflight's view). Thread-safe; throws
 * {@link TransientException} when the cluster cannot be reached or is overloaded.
 */
public interface IndexSchema {
    /**
     * The mapped types of {@code fields} in {@code index} (a name, alias or pattern), by field: a field mapped in
     * none of the index's indices is absent, a field mapped differently across them has several types.
     *
     * @return empty when no index answers to {@code index}
     */
    Optional<Map<String, Set<String>>> fieldTypes(String index, Collection<String> fields);
}
