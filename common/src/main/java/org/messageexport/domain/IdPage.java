package org.messageexport.domain;

import java.util.List;

/** One page of message ids in index order, and the cursor just after its last id. */
public record IdPage(List<String> ids, ExtractionCursor next) {
    public IdPage {
        ids = List.copyOf(ids);
    }

    public boolean isEmpty() {
        return ids.isEmpty();
    }
}
