package io.neuropipe.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Submits many cheap {@code eeg-encode} jobs to a running {@link LocalStack} while one of its
 * parts (an application, PostgreSQL, the Kafka broker) is stopped or crashed and started again,
 * then waits until every job has ended and reads the outcome from the gateway's database. Clients
 * behave as documented for the gateway: each job has an {@code Idempotency-Key}, and a refused
 * connection, a 429/503 or a 5xx is retried with the same key (after {@code Retry-After} when
 * given), so a retry never creates a second job. Every refusal is counted by status, with whether
 * it was {@code application/problem+json}, and the slowest answer is kept.
 */
public final class CrashRun {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * What happened.
     *
     * @param jobs            distinct jobs the gateway accepted
     * @param statuses        those jobs by final status
     * @param stepResults     rows in {@code step_results} for those jobs
     * @param jobsWithResults jobs with at least one row in {@code step_results}
     * @param retries         client retries (refused connections, 429/503, 5xx)
     * @param refusals        answers other than 200/202, by {@code "<status> <content type>"}
     * @param slowestAnswer   longest time a submission waited for an answer (any status), seconds
     * @param submitSeconds   time to get every job accepted
     * @param totalSeconds    time until every job had ended
     */
    public record Outcome(int jobs, Map<String, Integer> statuses, int stepResults, int jobsWithResults, long retries,
                          Map<String, Integer> refusals, double slowestAnswer, double submitSeconds, double totalSeconds) {
    }

    /**
     * A part of the stack to take away mid-run and bring back.
     *
     * @param stop  stops or crashes it
     * @param start brings it back (same data, same port)
     */
    public record Disruption(Runnable stop, Runnable start) {

        /** Stops an application of the stack cleanly and starts it again. */
        public static Disruption application(LocalStack stack, String name) {
            return new Disruption(() -> stack.stop(name), () -> stack.start(name));
        }

        /** Kills PostgreSQL (postmaster and backends) and starts it again. */
        public static Disruption postgresCrash(LocalStack stack) {
            return new Disruption(stack::crashPostgres, stack::startPostgres);
        }

        /** Kills the Kafka broker's process and starts it again (needs {@link LocalStack#kafkaInChildProcess()}). */
        public static Disruption kafkaCrash(LocalStack stack) {
            return new Disruption(stack::crashKafka, stack::startKafka);
        }
    }

    private final LocalStack stack;
    private final String contentType;
    private final byte[] body;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong retries = new AtomicLong();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final AtomicLong slowestAnswerNanos = new AtomicLong();

    private volatile List<UUID> accepted = List.of();

    public CrashRun(LocalStack stack) {
        // a timeout far beyond the run's length: this run is about loss and duplicates, not deadlines
        this(stack, BenchSamples.eegEncodeJob(Samples.eegTrial("eeg_sub-01_trials.npy", 0, 63, 250),
            Map.of("timeout_ms", "600000")));
    }

    private CrashRun(LocalStack stack, String json) {
        this(stack, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A run that submits {@code body} (a job request: JSON, or a multipart form with files) for every job. */
    public CrashRun(LocalStack stack, String contentType, byte[] body) {
        this.stack = stack;
        this.contentType = contentType;
        this.body = body;
    }

    /** The jobs the last {@link #run} got accepted. */
    public List<UUID> acceptedJobs() {
        return accepted;
    }

    /**
     * Runs {@code count} jobs with {@code clients} concurrent submitters; once {@code disruptAt}
     * jobs were accepted, stops {@code app}, waits {@code downtime} and starts it again.
     */
    public Outcome run(int count, int clients, String app, int disruptAt, Duration downtime, Duration timeout)
            throws Exception {
        return run(count, clients, Disruption.application(stack, app), disruptAt, downtime, timeout);
    }

    /**
     * Runs {@code count} jobs with {@code clients} concurrent submitters; once {@code disruptAt}
     * jobs were accepted, stops what {@code disruption} names, waits {@code downtime} and starts it again.
     */
    public Outcome run(int count, int clients, Disruption disruption, int disruptAt, Duration downtime, Duration timeout)
            throws Exception {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Map<Integer, String> ids = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
        try {
            Future<?> outage = pool.submit(() -> {
                awaitAccepted(ids, disruptAt, timeout);
                disruption.stop().run();
                pause(downtime);
                disruption.start().run();
                return null;
            });
            List<Future<?>> submitters = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                submitters.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        ids.put(i, submit(runId + "-" + i, start + timeout.toNanos()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : submitters) {
                f.get();
            }
            outage.get();
        } finally {
            pool.shutdownNow();
        }
        double submitSeconds = (System.nanoTime() - start) / 1e9;
        List<UUID> jobIds = ids.values().stream().map(UUID::fromString).distinct().toList();
        accepted = jobIds;
        Outcome outcome = awaitEnded(jobIds, start + timeout.toNanos());
        Map<String, Integer> refused = new TreeMap<>();
        refusals.forEach((k, v) -> refused.put(k, v.get()));
        return new Outcome(outcome.jobs(), outcome.statuses(), outcome.stepResults(), outcome.jobsWithResults(),
            retries.get(), refused, slowestAnswerNanos.get() / 1e9, submitSeconds, (System.nanoTime() - start) / 1e9);
    }

    private String submit(String key, long deadlineNanos) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs"))
            .header("content-type", contentType).header("Idempotency-Key", key)
            .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        while (System.nanoTime() < deadlineNanos) {
            long waitMs = 200;
            try {
                long sent = System.nanoTime();
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                slowestAnswerNanos.accumulateAndGet(System.nanoTime() - sent, Math::max);
                if (r.statusCode() == 202 || r.statusCode() == 200) {
                    return JSON.readTree(r.body()).path("id").asString();
                }
                refusals.computeIfAbsent(r.statusCode() + " " + r.headers().firstValue("content-type").orElse("-"),
                    k -> new AtomicInteger()).incrementAndGet();
                if (r.statusCode() != 429 && r.statusCode() < 500) {
                    throw new IllegalStateException("Job " + key + " refused: " + r.statusCode() + " " + r.body());
                }
                waitMs = r.headers().firstValue("Retry-After").map(s -> Long.parseLong(s) * 1000).orElse(waitMs);
            } catch (HttpTimeoutException e) {
                refusals.computeIfAbsent("no answer in 30 s", k -> new AtomicInteger()).incrementAndGet();
            } catch (IOException e) {
                // the gateway is down or going down: retry with the same key
            }
            retries.incrementAndGet();
            Thread.sleep(waitMs);
        }
        throw new IllegalStateException("Job " + key + " not accepted before the run's timeout");
    }

    private static void awaitAccepted(Map<Integer, String> ids, int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (ids.size() < n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // the outage itself: nothing to await
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Outcome awaitEnded(List<UUID> jobIds, long deadlineNanos) throws Exception {
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), EmbeddedPostgresServer.USER, "")) {
            Array ids = db.createArrayOf("uuid", jobIds.toArray());
            Map<String, Integer> statuses;
            do {
                Thread.sleep(250);
                statuses = statuses(db, ids);
            } while (open(statuses) > 0 && System.nanoTime() < deadlineNanos);
            try (PreparedStatement q = db.prepareStatement(
                    "SELECT count(*), count(DISTINCT job_id) FROM step_results WHERE job_id = ANY (?)")) {
                q.setArray(1, ids);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return new Outcome(jobIds.size(), statuses, rs.getInt(1), rs.getInt(2), 0, Map.of(), 0, 0, 0);
                }
            }
        }
    }

    private static Map<String, Integer> statuses(Connection db, Array ids) throws SQLException {
        Map<String, Integer> statuses = new HashMap<>();
        try (PreparedStatement q = db.prepareStatement("SELECT status, count(*) FROM jobs WHERE id = ANY (?) GROUP BY status")) {
            q.setArray(1, ids);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    statuses.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return statuses;
    }

    private static int open(Map<String, Integer> statuses) {
        return statuses.getOrDefault("PENDING", 0) + statuses.getOrDefault("RUNNING", 0);
    }
}
