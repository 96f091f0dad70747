package org.messageexport.localkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few REST calls that local tools make to a search cluster (create an index, bulk, refresh, count), the same
 * request bytes to Elasticsearch and OpenSearch: both engines get byte-equal documents from the same data.
 */
public final class SearchRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String authorization;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param authorization the {@code Authorization} header's value, or null */
    public SearchRest(URI base, String authorization) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.authorization = authorization;
    }

    public boolean exists(String index) throws IOException {
        return send("HEAD", index, null).statusCode() == 200;
    }

    /** Creates {@code index} with {@code body} (settings and mappings as JSON). */
    public void create(String index, String body) throws IOException {
        check("create index " + index, send("PUT", index, body));
    }

    /** Sends an NDJSON bulk body; the first item error, if any, is the exception's message. */
    public void bulk(String ndjson) throws IOException {
        bulk(ndjson, false);
    }

    /** The same; with {@code waitForRefresh}, answered once the documents are searchable. */
    public void bulk(String ndjson, boolean waitForRefresh) throws IOException {
        JsonNode answer = check("bulk", send("POST", waitForRefresh ? "_bulk?refresh=wait_for" : "_bulk", ndjson));
        if (answer.path("errors").asBoolean()) {
            for (JsonNode item : answer.path("items")) {
                JsonNode error = item.elements().next().get("error");
                if (error != null) {
                    throw new IOException(
                            "bulk indexing failed: " + error.path("reason").asText(error.toString()));
                }
            }
        }
    }

    /** One bulk {@code index} action line and the document's line, for {@link #bulk}. */
    public static String indexAction(String index, String id, Object document) throws IOException {
        ObjectNode action = JSON.createObjectNode();
        action.putObject("index").put("_index", index).put("_id", id);
        return JSON.writeValueAsString(action) + "\n" + JSON.writeValueAsString(document) + "\n";
    }

    /** Deletes one document and waits until searches no longer see it. */
    public void deleteDocument(String index, String id) throws IOException {
        check("delete " + index + "/" + id, send("DELETE", index + "/_doc/" + id + "?refresh=true", null));
    }

    public void refresh(String indices) throws IOException {
        check("refresh " + indices, send("POST", indices + "/_refresh", null));
    }

    public long count(String index) throws IOException {
        return check("count " + index, send("GET", index + "/_count", null))
                .path("count")
                .asLong();
    }

    /** POSTs {@code body} (JSON) to {@code path}, e.g. {@code messages/_mget}; the answer parsed. */
    public JsonNode post(String path, String body) throws IOException {
        return check("POST " + path, send("POST", path, body));
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(2))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", path.startsWith("_bulk") ? "application/x-ndjson" : "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + method + " " + path, e);
        }
    }

    private static JsonNode check(String what, HttpResponse<String> response) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IOException(what + " failed (" + response.statusCode() + "): " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
