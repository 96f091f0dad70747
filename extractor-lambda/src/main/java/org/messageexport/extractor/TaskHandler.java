package org.messageexport.extractor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.messageexport.job.InvalidRequestException;

/**
 * A Step Functions task: plain JSON in, plain JSON out (absent fields rather than nulls). Decodes,
 * calls {@link #handle}, encodes; exceptions propagate so that the state machine's Retry/Catch see
 * them by class name.
 */
public abstract class TaskHandler<I, O> implements RequestStreamHandler {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final Class<I> inputType;

    protected TaskHandler(Class<I> inputType) {
        this.inputType = inputType;
    }

    protected abstract O handle(I input, Context context);

    @Override
    public final void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        I input;
        try {
            input = JSON.readValue(in, inputType);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(
                    "input is not a valid " + inputType.getSimpleName() + ": " + e.getOriginalMessage());
        }
        JSON.writeValue(out, handle(input, context));
    }
}
