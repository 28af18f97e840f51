package io.neuropipe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;

/**
 * No accepted job is lost when PostgreSQL or the Kafka broker crashes mid-run: a few hundred jobs
 * through the local stack while PostgreSQL (postmaster and backends) or the broker's JVM is killed
 * with SIGKILL and started again on the same data directory and port. Every job that got a 202
 * ends DONE with exactly one step result. While PostgreSQL is down the gateway answers 503
 * problem+json with {@code Retry-After} within its connection timeout, never a 500 or a hang;
 * while Kafka is down it keeps accepting jobs (they wait in the outbox). Jobs whose input travels by
 * claim check (an uploaded EDF recording, stored in PostgreSQL) wait out the outage in the step that
 * reads it, and their results are the same bytes as without one. More jobs: {@code -Drestart.jobs=1000}.
 */
class InfrastructureRestartEndToEndTest {

    private static final int JOBS = Integer.getInteger("restart.jobs", 300);
    private static final Duration TIMEOUT = Duration.ofMinutes(Long.getLong("restart.timeout-minutes", 4));
    private static final String PROBLEM = "application/problem+json";

    @RegisterExtension
    static final LocalStackExtension STACK = LocalStackExtension.withKafkaInChildProcess();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void noAcceptedJobIsLostWhenPostgresCrashesMidRun() throws Exception {
        LocalStack stack = STACK.get();
        List<HttpResponse<String>> probes = new CopyOnWriteArrayList<>();
        CrashRun.Disruption crash = CrashRun.Disruption.postgresCrash(stack);
        CrashRun.Disruption probed = new CrashRun.Disruption(() -> {
            crash.stop().run();
            probes.add(get("/v1/jobs/" + UUID.randomUUID()));
            probes.add(get("/v1/jobs?limit=1"));
        }, crash.start());

        CrashRun.Outcome outcome = new CrashRun(stack).run(JOBS, 4, probed, JOBS / 3, Duration.ofSeconds(2), TIMEOUT);

        assertEveryJobDoneOnce("postgres crash", outcome);
        assertThat(outcome.refusals()).as("submissions during the outage were refused").isNotEmpty();
        assertThat(outcome.refusals().keySet()).as("every refusal is a 503 problem").containsOnly("503 " + PROBLEM);
        assertThat(outcome.slowestAnswer()).as("no submission hung (seconds)").isLessThan(10);
        assertThat(probes).hasSize(2).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("content-type")).hasValue(PROBLEM);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(r.body()).contains("https://neuropipe.io/problems/unavailable");
        });
    }

    @Test
    void noAcceptedJobIsLostWhenKafkaCrashesMidRun() throws Exception {
        LocalStack stack = STACK.get();
        CrashRun.Outcome outcome = new CrashRun(stack).run(JOBS, 4, CrashRun.Disruption.kafkaCrash(stack), JOBS / 3,
            Duration.ofSeconds(2), TIMEOUT);

        assertEveryJobDoneOnce("kafka crash", outcome);
        assertThat(outcome.refusals()).as("jobs are accepted into the outbox while Kafka is down").isEmpty();
        assertThat(outcome.slowestAnswer()).as("no submission hung (seconds)").isLessThan(10);
    }

    @Test
    void claimCheckedJobsWaitOutAPostgresCrash() throws Exception {
        LocalStack stack = STACK.get();
        // an EDF upload always travels by claim check; this one is 679 KB
        String boundary = "restart" + UUID.randomUUID();
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"pipeline\"\r\n\r\neeg-encode\r\n--" + boundary
            + "\r\nContent-Disposition: form-data; name=\"params\"\r\n\r\n{\"onsets\": \"1.0,2.0\", \"timeout_ms\": \"600000\"}\r\n--"
            + boundary + "\r\nContent-Disposition: form-data; name=\"eeg\"; filename=\"run-01.edf\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        form.write(Files.readAllBytes(Samples.ROOT.resolve("samples/eeg_sub-01_run-01.edf")));
        form.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        String type = "multipart/form-data; boundary=" + boundary;
        byte[] body = form.toByteArray();
        CrashRun baseline = new CrashRun(stack, type, body);
        baseline.run(1, 1, new CrashRun.Disruption(() -> { }, () -> { }), 1, Duration.ZERO, TIMEOUT);
        byte[] expected = embedding(baseline.acceptedJobs().get(0));

        // The encoder's consumer is paused until jobs queue up in Kafka, then resumed with PostgreSQL
        // down, so it reads their blobs during the outage. 10 s down outlasts the binder's 3 attempts
        // (3 s connection timeout each): without waiting out the outage these jobs would fail.
        BindingsLifecycleController encoder = stack.context("neural-encoder").getBean(BindingsLifecycleController.class);
        CrashRun.Disruption crash = new CrashRun.Disruption(() -> {
            encoder.pause("encode-in-0");
            awaitQueuedJobs(stack, 4);
            stack.crashPostgres();
            encoder.resume("encode-in-0");
        }, stack::startPostgres);
        int jobs = 24;
        CrashRun run = new CrashRun(stack, type, body);
        CrashRun.Outcome outcome = run.run(jobs, 2, crash, 6, Duration.ofSeconds(10), TIMEOUT);

        assertEveryJobDoneOnce("postgres crash, claim-checked inputs", outcome, jobs);
        for (UUID job : run.acceptedJobs()) {
            assertThat(embedding(job)).as("embedding of job %s", job).isEqualTo(expected);
        }
    }

    /** Waits until {@code n} jobs are published to Kafka but not yet taken by a step. */
    private static void awaitQueuedJobs(LocalStack stack, int n) {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), EmbeddedPostgresServer.USER, "");
             Statement st = db.createStatement()) {
            while (System.nanoTime() < end) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM jobs j WHERE j.status = 'PENDING' "
                        + "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.key = j.id::text)")) {
                    rs.next();
                    if (rs.getInt(1) >= n) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot count queued jobs", e);
        }
        throw new IllegalStateException("Fewer than " + n + " jobs queued for the encoder within 30 s");
    }

    private byte[] embedding(UUID job) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(STACK.get().gatewayUrl() + "/v1/jobs/" + job
            + "/artifacts/embedding?format=npy")).timeout(Duration.ofSeconds(15)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as("embedding of job %s", job).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(STACK.get().gatewayUrl() + path))
                .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + " got no answer while PostgreSQL was down", e);
        }
    }

    private static void assertEveryJobDoneOnce(String label, CrashRun.Outcome outcome) {
        assertEveryJobDoneOnce(label, outcome, JOBS);
    }

    private static void assertEveryJobDoneOnce(String label, CrashRun.Outcome outcome, int jobs) {
        System.out.println("crash run: " + label + ": " + outcome);
        assertThat(outcome.jobs()).isEqualTo(jobs);
        assertThat(outcome.statuses()).isEqualTo(Map.of("DONE", jobs));
        assertThat(outcome.stepResults()).isEqualTo(jobs);
        assertThat(outcome.jobsWithResults()).isEqualTo(jobs);
    }
}
