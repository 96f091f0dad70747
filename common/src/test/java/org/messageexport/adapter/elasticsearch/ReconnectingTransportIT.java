package org.messageexport.adapter.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.messageexport.config.CredentialSource;
import org.messageexport.config.Credentials;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.testing.BasicAuthGate;

/**
 * The Elasticsearch transport against the embedded node behind a basic-auth gate: nothing is built before the first
 * request, a 401 makes the secret be read again once, and a disconnect (before a snapshot) is followed by a new client.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class ReconnectingTransportIT {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:es-AbCdEf";

    private BasicAuthGate gate;
    private final AtomicInteger reads = new AtomicInteger();
    private volatile String secretPassword = "first";
    private ReconnectingTransport transport;

    @BeforeEach
    void setUp(EmbeddedServices services) throws Exception {
        gate = new BasicAuthGate(services.elasticsearchUrl(), "exporter", "first");
    }

    @AfterEach
    void tearDown() {
        if (transport != null) {
            transport.close();
        }
        gate.close();
    }

    private ElasticsearchClient client() {
        CredentialSource credentials = CredentialSource.secret(
                ARN,
                arn -> {
                    reads.incrementAndGet();
                    return Map.of("username", "exporter", "password", secretPassword);
                },
                s -> Credentials.basic(s.get("username"), s.get("password")));
        transport = ReconnectingTransport.of(
                new ElasticsearchConfig(gate.url(), credentials, "messages", "timestamp", "_id"));
        return ElasticsearchClients.create(transport);
    }

    @Test
    void building_connectsToNothing_andReadsNoSecret() {
        client();
        assertThat(transport.connected()).isFalse();
        assertThat(reads).hasValue(0);
        assertThat(gate.forwarded() + gate.rejected()).isZero();
    }

    @Test
    void unauthorized_readsTheSecretAgainOnce_andSendsTheRequestAgain() throws Exception {
        ElasticsearchClient es = client();
        assertThat(es.info().version().number()).startsWith("8.");
        gate.password("rotated");
        secretPassword = "rotated";

        assertThat(es.info().version().number()).startsWith("8.");
        assertThat(reads).as("first use, then after the 401").hasValue(2);
        assertThat(gate.rejected()).isEqualTo(1);
    }

    @Test
    void unauthorized_withAnUnchangedSecret_failsWithoutAnotherTry() {
        ElasticsearchClient es = client();
        gate.password("rotated");
        assertThatThrownBy(es::info)
                .isInstanceOfSatisfying(
                        ElasticsearchException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
        assertThat(reads).hasValue(2);
        assertThat(gate.rejected()).isEqualTo(1);
    }

    @Test
    void disconnect_closesTheClient_andTheNextRequestBuildsANewOne() throws Exception {
        ElasticsearchClient es = client();
        es.info();
        assertThat(transport.connected()).isTrue();
        transport.disconnect();
        assertThat(transport.connected()).isFalse();
        transport.restored();
        assertThat(es.info().clusterName()).isNotBlank();
        assertThat(transport.connects()).isEqualTo(2);
        assertThat(reads).as("the secret is read again after a restore").hasValue(2);
    }
}
