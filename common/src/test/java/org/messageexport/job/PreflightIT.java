package org.messageexport.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.messageexport.adapter.search.SearchAdapters;
import org.messageexport.config.CredentialSource;
import org.messageexport.config.Credentials;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.SearchAccess;
import org.messageexport.config.SearchEngine;
import org.messageexport.domain.SideCollection;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.port.IndexSchema;

/**
 * The preflight against the real nodes, Elasticsearch 8.19 and OpenSearch 3.9 (each engine's field capabilities):
 * each misconfiguration the issue names fails with one line naming the index or field, and a fitting configuration
 * passes.
 */
@ExtendWith(EmbeddedServicesExtension.class)
@ParameterizedClass(name = "{0}")
@EnumSource(SearchEngine.class)
class PreflightIT {
    private static IndexSchema schema;

    @Parameter
    SearchEngine engine;

    @BeforeParameterizedClassInvocation
    static void indices(SearchEngine engine, EmbeddedServices services) throws Exception {
        URI url = engine == SearchEngine.OPENSEARCH ? services.openSearchUrl() : services.elasticsearchUrl();
        schema = SearchAdapters.of(new ElasticsearchConfig(
                                url, CredentialSource.fixed(Credentials.NONE), "pf-messages", "timestamp", "_id")
                        .withAccess(
                                engine == SearchEngine.OPENSEARCH
                                        ? SearchAccess.OPENSEARCH
                                        : SearchAccess.ELASTICSEARCH))
                .indexSchema();
        create(
                url,
                "pf-messages",
                "{\"mappings\":{\"properties\":{\"timestamp\":{\"type\":\"date\"},"
                        + "\"message_id\":{\"type\":\"keyword\"},\"sent\":{\"type\":\"keyword\"},"
                        + "\"body\":{\"type\":\"text\"}}}}");
        create(
                url,
                "pf-history",
                "{\"mappings\":{\"properties\":{\"message_id\":{\"type\":\"keyword\"},"
                        + "\"msg\":{\"type\":\"text\"},\"timestamp\":{\"type\":\"date\"},"
                        + "\"note\":{\"type\":\"text\"}}}}");
    }

    /** Creates {@code index} with {@code body} unless it exists (the node outlives a test class). */
    private static void create(URI url, String index, String body) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(url.resolve("/" + index))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && !r.body().contains("resource_already_exists_exception")) {
                throw new IllegalStateException("create " + index + ": " + r.statusCode() + " " + r.body());
            }
        }
    }

    private static void check(String messages, String timestamp, String idField, SideCollection... sides) {
        new Preflight(schema, new Preflight.Requirements(messages, timestamp, idField, List.of(sides))).check();
    }

    private static SideCollection history(String index, String join, String sort) {
        return new SideCollection("history", index, join, sort);
    }

    @Test
    void fittingConfiguration_passes() {
        assertThatCode(() -> check(
                        "pf-messages", "timestamp", "message_id", history("pf-history", "message_id", "timestamp")))
                .doesNotThrowAnyException();
        assertThatCode(() -> check("pf-mess*", "timestamp", null)).doesNotThrowAnyException();
    }

    @Test
    void missingMessagesIndex_isNamed() {
        assertThatThrownBy(() -> check("pf-nope", "timestamp", null))
                .isInstanceOf(PreflightException.class)
                .hasMessage("preflight: index 'pf-nope' does not exist (MESSAGES_INDEX)");
    }

    @Test
    void missingSideIndex_isNamed_withItsCollection() {
        assertThatThrownBy(
                        () -> check("pf-messages", "timestamp", null, history("pf-histroy", "message_id", "timestamp")))
                .isInstanceOf(PreflightException.class)
                .hasMessage("preflight: index 'pf-histroy' does not exist (SIDE_COLLECTIONS 'history' index)");
    }

    @Test
    void timestampFieldUnmappedOrNotADate_isNamed() {
        assertThatThrownBy(() -> check("pf-messages", "created", null))
                .hasMessage("preflight: field 'created' is not mapped in index 'pf-messages'"
                        + " (MESSAGE_TIMESTAMP_FIELD needs a date)");
        assertThatThrownBy(() -> check("pf-messages", "sent", null))
                .hasMessage("preflight: field 'sent' of index 'pf-messages' is mapped as keyword"
                        + " (MESSAGE_TIMESTAMP_FIELD needs a date)");
    }

    @Test
    void idFieldOfTextType_isNamed() {
        assertThatThrownBy(() -> check("pf-messages", "timestamp", "body"))
                .hasMessage("preflight: field 'body' of index 'pf-messages' is mapped as text"
                        + " (MESSAGE_ID_FIELD needs a keyword)");
    }

    @Test
    void wrongJoinField_isNamed_insteadOfExportingEmptyHistories() {
        assertThatThrownBy(
                        () -> check("pf-messages", "timestamp", null, history("pf-history", "messageId", "timestamp")))
                .hasMessage("preflight: field 'messageId' is not mapped in index 'pf-history'"
                        + " (SIDE_COLLECTIONS 'history' joinField needs a keyword holding the message id)");
        assertThatThrownBy(() -> check("pf-messages", "timestamp", null, history("pf-history", "msg", "timestamp")))
                .hasMessage("preflight: field 'msg' of index 'pf-history' is mapped as text"
                        + " (SIDE_COLLECTIONS 'history' joinField needs a keyword holding the message id)");
    }

    @Test
    void unsortableSortField_isNamed() {
        assertThatThrownBy(() -> check("pf-messages", "timestamp", null, history("pf-history", "message_id", "note")))
                .hasMessage("preflight: field 'note' of index 'pf-history' is mapped as text"
                        + " (SIDE_COLLECTIONS 'history' sortField needs a sortable type)");
    }
}
