package org.messageexport.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Each stand-in is a real service: exercised through the production client libraries. */
@ExtendWith(EmbeddedServicesExtension.class)
class EmbeddedServicesIT {
    private final EmbeddedServices services;

    EmbeddedServicesIT(EmbeddedServices services) {
        this.services = services;
    }

    @Test
    void elasticsearch_indexesSearchesPagesWithPitAndMgets() throws Exception {
        try (RestClient rest = RestClient.builder(
                                HttpHost.create(services.elasticsearchUrl().toString()))
                        .build();
                RestClientTransport transport = new RestClientTransport(rest, new JacksonJsonpMapper())) {
            ElasticsearchClient es = new ElasticsearchClient(transport);
            assertThat(es.info().version().number()).startsWith("8.19");
            es.indices()
                    .create(c -> c.index("probe")
                            .mappings(m -> m.properties("ts", p -> p.date(d -> d))
                                    .properties("body", p -> p.keyword(k -> k))));
            BulkRequest.Builder bulk = new BulkRequest.Builder()
                    .index("probe")
                    .refresh(co.elastic.clients.elasticsearch._types.Refresh.True);
            for (int i = 0; i < 25; i++) {
                String id = "m" + i;
                Map<String, Object> doc =
                        Map.of("ts", "2026-11-01T00:00:" + String.format("%02d", i) + "Z", "body", "b" + i);
                bulk.operations(o -> o.index(x -> x.id(id).document(doc)));
            }
            assertThat(es.bulk(bulk.build()).errors()).isFalse();

            assertThat(es.count(c -> c.index("probe")).count()).isEqualTo(25);

            String pit = es.openPointInTime(p -> p.index("probe").keepAlive(k -> k.time("1m")))
                    .id();
            List<String> ids = new ArrayList<>();
            List<co.elastic.clients.elasticsearch._types.FieldValue> after = null;
            while (true) {
                List<co.elastic.clients.elasticsearch._types.FieldValue> searchAfter = after;
                SearchResponse<Void> page = es.search(
                        s -> {
                            s.pit(p -> p.id(pit))
                                    .size(10)
                                    .source(src -> src.fetch(false))
                                    .trackTotalHits(t -> t.enabled(false))
                                    .sort(o -> o.field(f -> f.field("ts").order(SortOrder.Asc)))
                                    .sort(o -> o.field(f -> f.field("_shard_doc")));
                            if (searchAfter != null) {
                                s.searchAfter(searchAfter);
                            }
                            return s;
                        },
                        Void.class);
                assertThat(page.shards().failed().intValue()).isZero();
                if (page.hits().hits().isEmpty()) {
                    break;
                }
                for (Hit<Void> h : page.hits().hits()) {
                    ids.add(h.id());
                }
                after = page.hits().hits().getLast().sort();
            }
            es.closePointInTime(c -> c.id(pit));
            assertThat(ids)
                    .hasSize(25)
                    .doesNotHaveDuplicates()
                    .startsWith("m0", "m1")
                    .endsWith("m24");

            MgetResponse<ObjectNode> got = es.mget(m -> m.index("probe").ids("m3", "m7", "missing"), ObjectNode.class);
            assertThat(got.docs()).hasSize(3);
            assertThat(got.docs().get(0).result().found()).isTrue();
            assertThat(got.docs().get(0).result().source().get("body").asText()).isEqualTo("b3");
            assertThat(got.docs().get(2).result().found()).isFalse();
        }
    }

    @Test
    void mysql_createsTablesAndReadsBack() throws Exception {
        MySqlEndpoint db = services.mysql();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE probe (id INT PRIMARY KEY, name VARCHAR(20))");
            s.execute("INSERT INTO probe VALUES (1, 'one'), (2, 'two')");
            try (ResultSet rs = s.executeQuery("SELECT name FROM probe WHERE id = 2")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("two");
            }
            try (ResultSet rs = s.executeQuery("SELECT DATABASE()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(db.database());
            }
        }
    }

    @Test
    void sqs_movesMessageToDeadLetterQueueAfterMaxReceiveCount() throws Exception {
        AwsEndpoint ep = services.sqs();
        try (SqsClient sqs = SqsClient.builder()
                .endpointOverride(ep.url())
                .region(Region.of(ep.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ep.accessKeyId(), ep.secretAccessKey())))
                .httpClient(ApacheHttpClient.create())
                .build()) {
            String dlqUrl = sqs.createQueue(q -> q.queueName("probe-dlq")).queueUrl();
            String dlqArn = sqs.getQueueAttributes(a -> a.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            String queueUrl = sqs.createQueue(q -> q.queueName("probe")
                            .attributes(Map.of(
                                    QueueAttributeName.VISIBILITY_TIMEOUT,
                                    "1",
                                    QueueAttributeName.REDRIVE_POLICY,
                                    "{\"maxReceiveCount\":\"2\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}")))
                    .queueUrl();
            sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody("{\"batchId\":1}"));

            int receives = 0;
            long deadline = System.currentTimeMillis() + 20_000;
            List<Message> inDlq = List.of();
            while (inDlq.isEmpty() && System.currentTimeMillis() < deadline) {
                // received but never deleted: it must come back after the visibility timeout, then go to the DLQ
                receives += sqs.receiveMessage(
                                r -> r.queueUrl(queueUrl).waitTimeSeconds(1).visibilityTimeout(1))
                        .messages()
                        .size();
                inDlq = sqs.receiveMessage(r -> r.queueUrl(dlqUrl).waitTimeSeconds(0))
                        .messages();
            }
            assertThat(receives).isEqualTo(2);
            assertThat(inDlq).singleElement().extracting(Message::body).isEqualTo("{\"batchId\":1}");
        }
    }

    @Test
    void s3_putsGetsAndListsWithChecksum_andObjectsAreFiles() throws Exception {
        try (S3Client s3 = services.s3Client()) {
            s3.createBucket(b -> b.bucket("probe-bucket"));
            byte[] body = "{\"message_id\":\"m1\"}".getBytes(StandardCharsets.UTF_8);
            byte[] md5 = MessageDigest.getInstance("MD5").digest(body);
            PutObjectResponse put = s3.putObject(
                    p -> p.bucket("probe-bucket")
                            .key("exports/2026/11/01/m1.json")
                            .contentType("application/json")
                            .contentMD5(Base64.getEncoder().encodeToString(md5))
                            .checksumAlgorithm(ChecksumAlgorithm.CRC32),
                    RequestBody.fromBytes(body));
            assertThat(put.eTag()).isEqualTo("\"" + HexFormat.of().formatHex(md5) + "\"");

            // the server verifies the integrity checksum: a body that does not match its Content-MD5 is refused
            byte[] wrongMd5 = MessageDigest.getInstance("MD5").digest("other".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> s3.putObject(
                            p -> p.bucket("probe-bucket")
                                    .key("exports/2026/11/01/bad.json")
                                    .contentMD5(Base64.getEncoder().encodeToString(wrongMd5)),
                            RequestBody.fromBytes(body)))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest"));

            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(g ->
                    g.bucket("probe-bucket").key("exports/2026/11/01/m1.json").checksumMode(ChecksumMode.ENABLED));
            assertThat(got.asByteArray()).isEqualTo(body);
            assertThat(got.response().contentType()).isEqualTo("application/json");

            List<String> keys = s3.listObjectsV2(l -> l.bucket("probe-bucket").prefix("exports/")).contents().stream()
                    .map(S3Object::key)
                    .toList();
            assertThat(keys).containsExactly("exports/2026/11/01/m1.json");

            Path file = services.s3Directory().resolve("probe-bucket/exports/2026/11/01/m1.json");
            assertThat(Files.readAllBytes(file)).isEqualTo(body);
        }
    }
}
