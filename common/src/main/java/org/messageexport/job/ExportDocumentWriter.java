package org.messageexport.job;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.messageexport.domain.MessageDocument;

/**
 * The exported JSON of one message:
 * {@code {"message_id":…,"message":{…},"<collection>":[…] per collection in configured order,
 * "export":{"job_id":…,"batch_id":…,"exported_at":…,"source":{"index":…}}}}. Thread-safe.
 */
public final class ExportDocumentWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> collectionNames;

    public ExportDocumentWriter(List<String> collectionNames) {
        this.collectionNames = List.copyOf(collectionNames);
    }

    public byte[] write(MessageDocument doc, long jobId, long batchId, Instant exportedAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("message_id", doc.messageId());
            g.writeFieldName("message");
            JSON.writeTree(g, doc.source());
            for (String name : collectionNames) {
                g.writeArrayFieldStart(name);
                for (JsonNode side : doc.sideDocuments().getOrDefault(name, List.of())) {
                    JSON.writeTree(g, side);
                }
                g.writeEndArray();
            }
            g.writeObjectFieldStart("export");
            g.writeNumberField("job_id", jobId);
            g.writeNumberField("batch_id", batchId);
            g.writeStringField("exported_at", exportedAt.toString());
            g.writeObjectFieldStart("source");
            g.writeStringField("index", doc.index());
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the export of " + doc.messageId(), e);
        }
        return out.toByteArray();
    }
}
