package org.messageexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.messageexport.adapter.elasticsearch.ElasticsearchClients;
import org.messageexport.adapter.mysql.MySqlJobSettlement;
import org.messageexport.adapter.sqs.BatchMessageCodec;
import org.messageexport.config.ElasticsearchConfig;
import org.messageexport.config.Env;
import org.messageexport.config.EnvNames;
import org.messageexport.config.SecretLookup;
import org.messageexport.domain.FailedMessage;
import org.messageexport.domain.MessageBatch;
import org.messageexport.embedded.EmbeddedServices;
import org.messageexport.embedded.EmbeddedServicesExtension;
import org.messageexport.local.LocalDeployment;
import org.messageexport.local.LocalSettings;
import org.messageexport.local.ServedDeployment;
import org.messageexport.localkit.LocalEndpoints;
import org.messageexport.localkit.SampleDataSeeder;
import org.messageexport.testing.TestServices;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Every operator command end to end: the CLI's own command line, its SDK clients against a local deployment served
 * behind the loopback Step Functions API, the real state machine on the ASL engine, the embedded services. The story
 * of the README's operator page: a window that fails, its failures read, verified, retried after a fix, a dead-lettered
 * batch redriven, a scheduled run; and the bad usages that end in one line and exit code 2.
 */
@ExtendWith(EmbeddedServicesExtension.class)
class OperatorCliIT {
    static final LocalDate DAY1 = LocalDate.of(2026, 9, 1);
    static final ObjectMapper JSON = new ObjectMapper();
    static SampleDataSeeder.Seeded seeded;
    static ElasticsearchClient es;

    private final EmbeddedServices services;
    private final javax.sql.DataSource db;

    @TempDir
    Path dir;

    OperatorCliIT(EmbeddedServices services) {
        this.services = services;
        this.db = TestServices.dataSource(services);
    }

    @BeforeAll
    static void seed(EmbeddedServices services) throws Exception {
        es = ElasticsearchClients.create(
                ElasticsearchConfig.from(new Env(LocalEndpoints.of(services).environment()), SecretLookup.NONE));
        // 2 days; 0..4 history, status and audit documents each: some joined documents exceed 3,200 bytes
        seeded = new SampleDataSeeder(services.elasticsearchUrl())
                .seed(new SampleDataSeeder.Spec(600, DAY1, new double[] {1, 1}, 4, 1500, 7), n -> {});
    }

    @AfterAll
    static void close() throws Exception {
        es._transport().close();
    }

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    static Run cli(Path endpoints, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        if (endpoints != null) {
            all.add("--local");
            all.add(endpoints.toString());
        }
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = OperatorCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private ServedDeployment serve(Map<String, String> env) throws Exception {
        // a scheduled execution catches up every due window: the safety lag makes DAY1 + 2 the last one that is due
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put(
                EnvNames.SAFETY_LAG,
                Duration.between(
                                DAY1.plusDays(2)
                                        .atStartOfDay(java.time.ZoneOffset.UTC)
                                        .plusHours(1)
                                        .toInstant(),
                                java.time.Instant.now())
                        .toString());
        LocalSettings settings = LocalSettings.builder(DAY1.plusDays(1))
                .s3Directory(services.s3Directory())
                .bucket("operator-cli")
                .workers(4, Duration.ofSeconds(20))
                .maxReceiveCount(3)
                .environment(all)
                .build();
        return ServedDeployment.serve(LocalDeployment.start(settings, services, s -> {}));
    }

    @Test
    void aDayInTheLife_failedWindow_status_verify_retry_redrive_scheduledRun() throws Exception {
        TestServices.truncate(db);
        long day1 = seeded.idsIn(DAY1).size();
        long day2 = seeded.idsIn(DAY1.plusDays(1)).size();
        long jobId;
        List<FailedMessage> failed;
        try (ServedDeployment tight = serve(Map.of(EnvNames.MAX_DOCUMENT_BYTES, "3200"))) {
            Path endpoints = tight.writeEndpoints(dir.resolve("tight.json"));

            // dry-run: the index's counts per day, a sample's size, and what it would cost
            Run dry = cli(
                    endpoints,
                    "dry-run",
                    "--start-date",
                    DAY1.toString(),
                    "--end-date",
                    DAY1.plusDays(2).toString(),
                    "--json");
            assertThat(dry.exit()).as(dry.err()).isZero();
            JsonNode estimate = dry.json();
            assertThat(estimate.at("/days/0/messages").asLong()).isEqualTo(day1);
            assertThat(estimate.at("/days/1/messages").asLong()).isEqualTo(day2);
            assertThat(estimate.at("/days/0/puts").asLong()).isEqualTo(day1 + 1);
            assertThat(estimate.at("/days/0/averageBytes").asLong()).isGreaterThan(1500);
            assertThat(estimate.at("/cost/s3Puts").asDouble())
                    .isEqualTo((day1 + day2 + 2) * 0.005 / 1000, org.assertj.core.data.Offset.offset(1e-9));

            // a manual window whose large documents fail: the job fails, exit 1, its counts and reason in the summary
            Run start = cli(
                    endpoints,
                    "start",
                    "--start-date",
                    DAY1.toString(),
                    "--end-date",
                    DAY1.plusDays(1).toString(),
                    "--wait",
                    "--json");
            assertThat(start.exit()).as(start.out() + start.err()).isEqualTo(1);
            JsonNode summary = start.json();
            jobId = summary.get("jobId").asLong();
            long completed = summary.get("completed").asLong();
            long failedCount = summary.get("failed").asLong();
            assertThat(summary.get("status").asText()).isEqualTo("failed");
            assertThat(failedCount).isPositive();
            assertThat(completed).isPositive();
            assertThat(completed + failedCount).isEqualTo(day1);
            failed = new MySqlJobSettlement(db).failedMessages(jobId, 1000);
            assertThat(failed).hasSize((int) failedCount);

            // status: the job in the list with its execution's status; in detail with its failed messages and reasons
            Run list = cli(endpoints, "status", "--json");
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.json().at("/jobs/0/jobId").asLong()).isEqualTo(jobId);
            assertThat(list.json().at("/jobs/0/executionStatus").asText()).isIn("FAILED", "SUCCEEDED");
            Run detail = cli(endpoints, "status", "--job", Long.toString(jobId), "--limit", "1000");
            assertThat(detail.exit()).as(detail.err()).isZero();
            assertThat(detail.out()).contains("failed messages");
            for (FailedMessage f : failed) {
                assertThat(detail.out()).contains(f.messageId());
            }
            assertThat(detail.out()).contains(failed.getFirst().reason());

            // verify: the failed job's record, rows, objects and manifest agree
            Run verify = cli(endpoints, "verify", "--job", Long.toString(jobId));
            assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.out()).contains("OK: no differences");
        }

        // the fix (the default document limit), redeployed: retry only the failed ones
        try (ServedDeployment fixed = serve(Map.of())) {
            Path endpoints = fixed.writeEndpoints(dir.resolve("fixed.json"));
            long lastBatchBefore = count("SELECT MAX(batch_id) FROM message_batches");

            Run retry = cli(endpoints, "retry-failed", "--job", Long.toString(jobId), "--json");
            assertThat(retry.exit()).as(retry.out() + retry.err()).isZero();
            JsonNode r = retry.json();
            assertThat(r.at("/requeued/messages").asLong()).isEqualTo(failed.size());
            assertThat(r.at("/recount/counts/failed").asLong()).isZero();
            assertThat(r.at("/recount/counts/completed").asLong()).isEqualTo(day1);
            // only the failed rows went out again: new batches hold exactly them
            assertThat(count("SELECT COALESCE(SUM(size), 0) FROM message_batches WHERE job_id = " + jobId
                            + " AND batch_id > " + lastBatchBefore))
                    .isEqualTo(failed.size());
            assertThat(count("SELECT completed_count FROM job_runs WHERE job_id = " + jobId))
                    .isEqualTo(day1);
            String manifestKey = r.at("/recount/manifestKey").asText();
            JsonNode manifest = JSON.readTree(fixed.deployment()
                    .s3()
                    .getObjectAsBytes(g -> g.bucket("operator-cli").key(manifestKey))
                    .asByteArray());
            assertThat(manifest.at("/counts/failed").asLong()).isZero();
            assertThat(manifest.at("/counts/completed").asLong()).isEqualTo(day1);

            Run verified = cli(endpoints, "verify", "--job", Long.toString(jobId), "--json");
            assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
            assertThat(verified.json().get("objectsFound").asLong()).isEqualTo(day1);

            // an object lost from the bucket: verify names it and exits 1
            String lost = firstExportedKey(jobId);
            fixed.deployment().s3().deleteObject(d -> d.bucket("operator-cli").key(lost));
            Run broken = cli(endpoints, "verify", "--job", Long.toString(jobId));
            assertThat(broken.exit()).isEqualTo(1);
            assertThat(broken.out())
                    .contains("1 of " + day1 + " objects of completed rows are missing, first: " + lost);

            // a dead-lettered batch goes back to the work queue
            String dlq = fixed.deployment().deadLetterQueueUrl().orElseThrow();
            fixed.deployment()
                    .sqs()
                    .sendMessage(s -> s.queueUrl(dlq)
                            .messageBody(BatchMessageCodec.encode(new MessageBatch(
                                    jobId, 1, List.of(failed.getFirst().messageId())))));
            Run redrive = cli(endpoints, "redrive-dlq", "--json");
            assertThat(redrive.exit()).as(redrive.out() + redrive.err()).isZero();
            assertThat(redrive.json().get("moved").asLong()).isEqualTo(1);
            assertThat(redrive.json().get("waitingBefore").asLong()).isEqualTo(1);
            assertThat(fixed.deployment()
                            .sqs()
                            .getQueueAttributes(g ->
                                    g.queueUrl(dlq).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                            .attributes()
                            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    .isEqualTo("0");

            // the scheduled run (no dates): the next window from the first start date, and the schedule moves
            Run scheduled = cli(endpoints, "start", "--wait");
            assertThat(scheduled.exit()).as(scheduled.out() + scheduled.err()).isZero();
            assertThat(scheduled.out())
                    .contains("execution SUCCEEDED: COMPLETED")
                    .contains("exported " + String.format(java.util.Locale.ROOT, "%,d", day2));
            Run status = cli(endpoints, "status");
            assertThat(status.exit()).isZero();
            assertThat(status.out()).contains("schedule: next window starts " + DAY1.plusDays(2));
        }
    }

    @Test
    void withAHashedKeyPrefix_verifyFindsEveryObject_andRetryFailedWritesBatchObjectsThatVerifyFindsToo()
            throws Exception {
        TestServices.truncate(db);
        long day1 = seeded.idsIn(DAY1).size();
        long jobId;
        try (ServedDeployment tight =
                serve(Map.of(EnvNames.KEY_HASH_PREFIX, "2", EnvNames.MAX_DOCUMENT_BYTES, "3200"))) {
            Path endpoints = tight.writeEndpoints(dir.resolve("hashed-tight.json"));
            Run start = cli(
                    endpoints,
                    "start",
                    "--start-date",
                    DAY1.toString(),
                    "--end-date",
                    DAY1.plusDays(1).toString(),
                    "--wait",
                    "--json");
            assertThat(start.exit()).as(start.out() + start.err()).isEqualTo(1);
            jobId = start.json().get("jobId").asLong();
            // the objects are spread over hashed folders: more than one, each holding the day's folder
            List<String> keys = exportedPaths(jobId);
            assertThat(keys).isNotEmpty().allSatisfy(k -> assertThat(k).matches("exports/[0-9a-f]{2}/2026/09/01/.+"));
            assertThat(keys.stream().map(k -> k.substring(0, 11)).distinct().count())
                    .isGreaterThan(1);

            Run verify = cli(endpoints, "verify", "--job", Long.toString(jobId), "--json");
            assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
            assertThat(verify.json().get("objectsFound").asLong()).isEqualTo(keys.size());
        }

        // the fix, redeployed in ndjson-gz: the retried messages go to batch objects under hashed folders
        try (ServedDeployment fixed =
                serve(Map.of(EnvNames.KEY_HASH_PREFIX, "2", EnvNames.OUTPUT_FORMAT, "ndjson-gz"))) {
            Path endpoints = fixed.writeEndpoints(dir.resolve("hashed-fixed.json"));
            Run retry = cli(endpoints, "retry-failed", "--job", Long.toString(jobId), "--json");
            assertThat(retry.exit()).as(retry.out() + retry.err()).isZero();
            assertThat(retry.json().at("/recount/counts/completed").asLong()).isEqualTo(day1);
            String manifestKey = retry.json().at("/recount/manifestKey").asText();
            JsonNode manifest = JSON.readTree(fixed.deployment()
                    .s3()
                    .getObjectAsBytes(g -> g.bucket("operator-cli").key(manifestKey))
                    .asByteArray());
            assertThat(manifest.get("key_hash_chars").asInt()).isEqualTo(2);
            assertThat(manifest.get("object_key_pattern").asText())
                    .isEqualTo("exports/{hash:2}/{yyyy}/{MM}/{dd}/{message_id}.json");
            assertThat(exportedPaths(jobId))
                    .anySatisfy(p ->
                            assertThat(p).matches("exports/[0-9a-f]{2}/2026/09/01/batch-\\d+-\\d+\\.ndjson\\.gz#\\d+"));

            Run verified = cli(endpoints, "verify", "--job", Long.toString(jobId), "--json");
            assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();

            // a lost object in one of the hashed folders: verify names it
            String lost = firstExportedKey(jobId).replaceAll("#\\d+$", "");
            fixed.deployment().s3().deleteObject(d -> d.bucket("operator-cli").key(lost));
            Run broken = cli(endpoints, "verify", "--job", Long.toString(jobId));
            assertThat(broken.exit()).isEqualTo(1);
            assertThat(broken.out()).contains("objects of completed rows are missing, first: " + lost);
        }
    }

    /** The s3_path of every completed row of the job. */
    private List<String> exportedPaths(long jobId) throws Exception {
        List<String> paths = new ArrayList<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT s3_path FROM message_tracking WHERE job_id = " + jobId
                        + " AND status = 'completed' ORDER BY message_id")) {
            while (rs.next()) {
                paths.add(rs.getString(1));
            }
        }
        return paths;
    }

    @Test
    void badOptionsAndUnknownJobs_areOneLine_exitCode2() throws Exception {
        try (ServedDeployment served = serve(Map.of())) {
            Path endpoints = served.writeEndpoints(dir.resolve("endpoints.json"));
            List<Run> runs = List.of(
                    cli(endpoints, "start", "--start-date", "2026-09-01"),
                    cli(endpoints, "start", "--start-date", "2026-09-02", "--end-date", "2026-09-01"),
                    cli(endpoints, "start", "--reexport"),
                    cli(endpoints, "status", "--job", "987654"),
                    cli(endpoints, "verify", "--job", "987654"),
                    cli(endpoints, "retry-failed", "--job", "987654"),
                    cli(endpoints, "verify"),
                    cli(endpoints, "dry-run", "--start-date", "yesterday", "--end-date", "2026-09-02"),
                    cli(endpoints, "status", "--job", "1", "--window", "2026-09-01"),
                    cli(dir.resolve("absent.json"), "status"),
                    cli(null, "nonsense"));
            for (Run run : runs) {
                assertThat(run.exit()).as(run.err()).isEqualTo(2);
                assertThat(run.err().strip()).as(run.err()).doesNotContain("\n").startsWith("message-export: ");
            }
            assertThat(runs.get(0).err()).contains("--start-date and --end-date go together");
            assertThat(runs.get(3).err()).contains("job 987654 does not exist");
            assertThat(runs.get(9).err()).contains("no such file");
            assertThat(cli(null, "start", "--help").exit()).isZero();
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String firstExportedKey(long jobId) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT s3_path FROM message_tracking WHERE job_id = " + jobId
                        + " AND status = 'completed' ORDER BY message_id LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
