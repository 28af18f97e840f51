package io.neuropipe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No accepted job is lost when PostgreSQL or the Kafka broker crashes mid-run: a few hundred jobs
 * through the local stack while PostgreSQL (postmaster and backends) or the broker's JVM is killed
 * with SIGKILL and started again on the same data directory and port. Every job that got a 202
 * ends DONE with exactly one step result. While PostgreSQL is down the gateway answers 503
 * problem+json with {@code Retry-After} within its connection timeout, never a 500 or a hang;
 * while Kafka is down it keeps accepting jobs (they wait in the outbox).
 * More jobs: {@code -Drestart.jobs=1000}.
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

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(STACK.get().gatewayUrl() + path))
                .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + " got no answer while PostgreSQL was down", e);
        }
    }

    private static void assertEveryJobDoneOnce(String label, CrashRun.Outcome outcome) {
        System.out.println("crash run: " + label + ": " + outcome);
        assertThat(outcome.jobs()).isEqualTo(JOBS);
        assertThat(outcome.statuses()).isEqualTo(Map.of("DONE", JOBS));
        assertThat(outcome.stepResults()).isEqualTo(JOBS);
        assertThat(outcome.jobsWithResults()).isEqualTo(JOBS);
    }
}
