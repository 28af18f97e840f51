package io.neuropipe.gateway.job;

import static io.neuropipe.gateway.GatewayTestSupport.await;
import static io.neuropipe.gateway.GatewayTestSupport.fp32;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.SseClient;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.StepResult;
import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two gateway instances on one job store and broker, as two replicas run: a request waiting on instance A
 * ({@code GET /v1/jobs/{id}?wait=}, sync {@code generate}, the job's event stream) ends within a second of instance B
 * ending the job. A consumes no job events, so only B can store the result.
 */
class TwoInstanceJobEndTest {

    private static final String DATABASE = "gateway_two_instances";
    private static final Duration WOKEN_WITHIN = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;
    private static KafkaConsumer<String, byte[]> decodeTopic;
    private static KafkaProducer<String, byte[]> decoder;

    @BeforeAll
    static void start() {
        // A's relay sweep (whose resync would tell its streams of the end within a second) is slowed to leave it to the notice
        a = instance(Map.of("spring.cloud.stream.bindings.jobEvents-in-0.consumer.auto-startup", "false",
            "neuropipe.gateway.relay.sweep-interval", "30s"));
        b = instance(Map.of());
        decodeTopic = GatewayTestSupport.consumer("neuropipe.step.decode");
        decoder = GatewayTestSupport.producer();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable open : new AutoCloseable[] {decodeTopic, decoder, a, b}) {
            if (open != null) {
                try {
                    open.close();
                } catch (Exception e) {
                    // closing the rest matters more
                }
            }
        }
    }

    private static ConfigurableApplicationContext instance(Map<String, String> extra) {
        EmbeddedPostgresServer pg = SharedInfrastructure.postgres();
        pg.createDatabaseIfMissing(DATABASE);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("server.port", "0");
        props.put("neuropipe.gateway.auth.enabled", "false");
        props.put("spring.datasource.url", pg.jdbcUrl(DATABASE));
        props.put("spring.datasource.username", EmbeddedPostgresServer.USER);
        props.put("spring.datasource.password", "");
        props.put("spring.kafka.bootstrap-servers", GatewayTestSupport.bootstrap());
        props.put("neuropipe.gateway.model-repository", GatewayTestSupport.models().toString());
        props.put("spring.cloud.stream.bindings.jobEvents-in-0.group", "gateway-" + DATABASE);
        props.put("spring.cloud.stream.bindings.jobRequests-in-0.group", "gateway-" + DATABASE);
        props.putAll(extra);
        // arguments, not default properties, so they win over gateway.yml
        return GatewayApplication.builder().run(props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext instance) {
        return Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"));
    }

    private static CompletableFuture<HttpResponse<String>> send(HttpRequest.Builder request) {
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder at(ConfigurableApplicationContext instance, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port(instance) + path));
    }

    /** Until instance A holds a waiter of {@code job} (the request is parked, not still reading the store). */
    private static void awaitWaiterOnA(UUID job) {
        JobCompletions completions = a.getBean(JobCompletions.class);
        Awaitility.await().atMost(GatewayTestSupport.WAIT).pollInterval(Duration.ofMillis(5))
            .until(() -> completions.waitingJobs().contains(job));
    }

    @Test
    void aWaitOnOneInstanceEndsAsSoonAsTheOtherCancelsTheJob() throws Exception {
        var submitted = post(port(a), "/v1/jobs", Map.of("pipeline", "eeg-encode", "inputs", Map.of("eeg", fp32(63, 250))), Map.of());
        assertThat(submitted.status()).as(submitted.raw()).isEqualTo(202);
        String id = submitted.body().path("id").asString();
        HttpResponse<String> timedOut = send(at(a, "/v1/jobs/" + id + "?wait=200ms").GET()).get(10, TimeUnit.SECONDS);
        assertThat(GatewayTestSupport.JSON.readTree(timedOut.body()).path("status").asString()).isIn("PENDING", "RUNNING");

        try (SseClient events = new SseClient(port(a), "/v1/jobs/" + id + "/events", Map.of())) {
            events.await(e -> e.name().equals("step"));
            CompletableFuture<HttpResponse<String>> waiting = send(at(a, "/v1/jobs/" + id + "?wait=25s").GET());
            awaitWaiterOnA(UUID.fromString(id));
            HttpResponse<String> cancelled = send(at(b, "/v1/jobs/" + id).DELETE()).get(10, TimeUnit.SECONDS);
            assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
            long cancelledAt = System.nanoTime();

            HttpResponse<String> woken = waiting.get(WOKEN_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(GatewayTestSupport.JSON.readTree(woken.body()).path("status").asString()).isEqualTo("CANCELLED");
            SseClient.Event end = events.await(e -> e.name().equals("job"));
            assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt)).isLessThan(WOKEN_WITHIN);
            assertThat(end.data().path("status").asString()).isEqualTo("CANCELLED");
        }
    }

    @Test
    void aSyncGenerateOnOneInstanceAnswersAsSoonAsTheOtherStoresTheResult() throws Exception {
        String prompt = "question: which instance ends this job? answer:";
        CompletableFuture<HttpResponse<String>> answer = send(at(a, "/v2/models/lm/generate")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"text_input\": \"" + prompt + "\", \"parameters\": {\"max_tokens\": 4}}")));
        StepEnvelope env = StepEnvelope.parseFrom(await(decodeTopic, r -> {
            try {
                return StepEnvelope.parseFrom(r.value()).getArtifactsOrThrow("prompt").getText().equals(prompt);
            } catch (Exception e) {
                return false;
            }
        }).value());
        awaitWaiterOnA(UUID.fromString(env.getJobId()));
        JobEvent done = JobEvent.newBuilder().setJobId(env.getJobId()).setStepId("decode").setStep("decode").setService("llm-decoder")
            .setResult(StepResult.newBuilder().setLeaf(true).addArtifacts(Artifact.newBuilder().setName("text").setText("b")
                .putMetadata("finish_reason", "eos"))).build();
        decoder.send(new ProducerRecord<>("neuropipe.job-events", env.getJobId(), done.toByteArray())).get();

        GatewayTestSupport.awaitJson(port(b), "/v1/jobs/" + env.getJobId(), j -> j.path("status").asString().equals("DONE"));
        HttpResponse<String> r = answer.get(WOKEN_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = GatewayTestSupport.JSON.readTree(r.body());
        assertThat(body.path("text_output").asString()).isEqualTo("b");
        assertThat(body.path("id").asString()).isEqualTo(env.getJobId());
    }
}
