package org.messageexport.port;

import java.util.List;
import java.util.Map;
import org.messageexport.domain.MessageDocument;

/**
 * The documents of messages, read by id (worker side): the message and the side documents of every
 * configured collection, each complete however many there are. Thread-safe.
 */
public interface MessageDocuments {
    /**
     * The messages among {@code messageIds} that the index holds, by id; an id absent from the result is
     * not in the index (deleted since extraction). Throws {@link TransientException} when the index is
     * unreachable, overloaded or answered only in part; other exceptions mean a request the index refuses
     * (e.g. a missing side index), which retrying will not cure.
     */
    Map<String, MessageDocument> fetch(List<String> messageIds);

    /** The name of the messages index, as configured (for reasons such as "not found in index messages"). */
    String messagesIndex();
}
