package io.neuropipe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.neuropipe.runtime.trace.StepTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Metrics, traces and logs of real jobs through the whole local stack: every application's
 * Prometheus scrape, the spans of one job (recorded by an in-memory exporter added to each
 * application's OpenTelemetry SDK), and the job's log line.
 */
@ExtendWith(OutputCaptureExtension.class)
class LocalObservabilityTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER_SPAN = "00f067aa0ba902b7";
    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @TempDir
    static Path data;
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = new LocalStack(new LocalOptions(data, Samples.ROOT.resolve("repository"), 0, false, 0, 0))
            .withInitializer(context -> context.getBeanFactory()
                .registerSingleton("inMemorySpans", (SpanProcessor) SimpleSpanProcessor.create(SPANS)))
            .start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void jobsAreMeteredTracedAndLogged(CapturedOutput output) throws Exception {
        String brain = submit(body("brain-decode-all", Map.of("eeg", eegJson()),
            Map.of("steps", "10", "propagation", "keysteps", "max_tokens", "6")), CALLER_TRACE);
        String caption = submit(body("image-caption", Map.of("image", JSON.createObjectNode().put("contentType", "image/png")
            .put("base64", Base64.getEncoder().encodeToString(Samples.bytes("stim_01.png")))),
            Map.of("strategy", "cls-topk", "ratio", "0.5", "max_tokens", "6")), null);
        awaitDone(brain);
        awaitDone(caption);

        assertTraceOfOneJob(brain);
        assertMeters();
        assertThat(output.getAll().lines())
            .as("a log line for job %s with its trace id", brain)
            .anyMatch(line -> line.contains("job=" + brain + " trace=" + CALLER_TRACE) && line.contains("Job " + brain));
    }

    private void assertTraceOfOneJob(String jobId) throws InterruptedException {
        List<SpanData> trace = awaitSpans(spans -> spans.stream().filter(s -> jobId.equals(s.getAttributes()
            .get(StepTracing.JOB_ID)) && s.getKind() == SpanKind.CONSUMER).count() >= 3);
        Set<String> traceIds = trace.stream().filter(s -> jobId.equals(s.getAttributes().get(StepTracing.JOB_ID)))
            .map(SpanData::getTraceId).collect(Collectors.toSet());
        assertThat(traceIds).as("trace ids of the spans of job %s: %s", jobId, trace.stream()
            .filter(s -> jobId.equals(s.getAttributes().get(StepTracing.JOB_ID))).map(LocalObservabilityTest::describe).toList())
            .containsExactly(CALLER_TRACE);
        List<SpanData> inTrace = trace.stream().filter(s -> s.getTraceId().equals(CALLER_TRACE)).toList();

        SpanData http = only(inTrace, s -> s.getKind() == SpanKind.SERVER && service(s).equals("gateway"));
        assertThat(http.getParentSpanId()).isEqualTo(CALLER_SPAN);
        SpanData publish = only(inTrace, s -> s.getName().equals("publish neuropipe.step.encode"));
        assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
        assertThat(service(publish)).isEqualTo("gateway");
        assertThat(publish.getParentSpanId()).isEqualTo(http.getSpanId());

        SpanData encode = step(inTrace, "encode");
        assertThat(service(encode)).isEqualTo("neural-encoder");
        assertThat(encode.getParentSpanId()).isEqualTo(publish.getSpanId());
        assertThat(encode.getAttributes().get(StepTracing.PIPELINE)).isEqualTo("brain-decode-all");
        assertThat(encode.getAttributes().get(StepTracing.MODEL)).startsWith("eeg-encoder/");
        assertThat(encode.getAttributes().get(StepTracing.OUTCOME)).isEqualTo("success");
        SpanData generate = step(inTrace, "generate");
        assertThat(service(generate)).isEqualTo("image-generator");
        assertThat(generate.getParentSpanId()).isEqualTo(encode.getSpanId());
        assertThat(generate.getAttributes().get(StepTracing.MODEL)).contains("unet-encoder/", "unet-decoder/");
        SpanData decode = step(inTrace, "decode");
        assertThat(service(decode)).isEqualTo("llm-decoder");
        assertThat(decode.getParentSpanId()).isEqualTo(encode.getSpanId());
        assertThat(decode.getAttributes().get(StepTracing.STEP_ID)).isEqualTo("decode");
    }

    private void assertMeters() throws Exception {
        Map<String, Integer> ports = stack.ports();
        String gateway = scrape(ports.get("gateway"));
        assertThat(sum(gateway, "neuropipe_gateway_jobs_duration_seconds_count", "pipeline=\"brain-decode-all\"", "status=\"DONE\""))
            .isEqualTo(1);
        assertThat(sum(gateway, "neuropipe_gateway_jobs_duration_seconds_bucket", "pipeline=\"image-caption\"", "le=\"+Inf\""))
            .isEqualTo(1);
        assertConsumerLag(gateway, "neuropipe.job-events");

        String encoder = scrape(ports.get("neural-encoder"));
        assertThat(sum(encoder, "neuropipe_model_inference_seconds_count", "model=\"eeg-encoder\"", "version=\"")).isPositive();
        assertThat(sum(encoder, "neuropipe_batch_size_count", "batcher=\"eeg-encoder\"")).isPositive();
        assertThat(encoder).contains("neuropipe_batch_queue_depth{batcher=\"eeg-encoder\"");
        assertThat(sum(encoder, "neuropipe_step_duration_seconds_count", "step=\"encode\"", "outcome=\"success\"")).isPositive();
        assertConsumerLag(encoder, "neuropipe.step.encode");

        String generator = scrape(ports.get("image-generator"));
        assertThat(sum(generator, "neuropipe_model_inference_seconds_count", "model=\"unet-encoder\"")).isPositive();
        assertThat(sum(generator, "neuropipe_batch_size_count", "batcher=\"unet-decoder\"")).isPositive();
        assertThat(sum(generator, "neuropipe_generator_encoder_skipped_steps_total", "schedule=\"keysteps\"")).isPositive();
        assertConsumerLag(generator, "neuropipe.step.generate");

        String decoder = scrape(ports.get("llm-decoder"));
        assertThat(sum(decoder, "neuropipe_model_inference_seconds_count", "model=\"lm\"")).isPositive();
        assertThat(sum(decoder, "neuropipe_step_duration_seconds_count", "step=\"decode\"", "outcome=\"success\"")).isEqualTo(2);
        assertConsumerLag(decoder, "neuropipe.step.decode");

        String pruner = scrape(ports.get("token-pruner"));
        assertThat(sum(pruner, "neuropipe_pruner_kept_ratio_count", "strategy=\"cls-topk\"")).isEqualTo(1);
        assertThat(sum(pruner, "neuropipe_pruner_kept_ratio_sum", "strategy=\"cls-topk\"")).isBetween(0.45, 0.55);
        assertThat(sum(pruner, "neuropipe_pruner_kept_ratio_bucket", "strategy=\"cls-topk\"", "le=\"0.25\"")).isZero();
        assertThat(sum(pruner, "neuropipe_model_inference_seconds_count", "model=\"image-encoder\"")).isPositive();
    }

    /**
     * Consumer lag: Kafka's client metrics of the binder's consumers are bound (per-partition samples
     * appear after Micrometer's next refresh of the client's metrics), and the binder's lag gauge per topic.
     */
    private static void assertConsumerLag(String scrape, String topic) {
        List<String> kafka = scrape.lines().filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag")).toList();
        assertThat(kafka).as("Kafka consumer lag samples").anyMatch(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag_max{"));
        assertThat(scrape.lines().filter(l -> l.startsWith("spring_cloud_stream_binder_kafka_offset")
                && l.contains("topic=\"" + topic + "\"")))
            .as("binder lag of %s; Kafka samples: %s", topic, kafka).isNotEmpty();
    }

    // ---------------------------------------------------------------------------------------- helpers

    private static String describe(SpanData s) {
        return s.getName() + " " + s.getKind() + " @" + service(s) + " " + s.getTraceId() + "/" + s.getSpanId() + " parent "
            + s.getParentSpanId() + " " + s.getAttributes();
    }

    private static String service(SpanData span) {
        return String.valueOf(span.getResource().getAttribute(SERVICE_NAME));
    }

    private static SpanData step(List<SpanData> spans, String step) {
        return only(spans, s -> s.getKind() == SpanKind.CONSUMER && step.equals(s.getAttributes().get(StepTracing.STEP)));
    }

    private static SpanData only(List<SpanData> spans, java.util.function.Predicate<SpanData> which) {
        List<SpanData> found = spans.stream().filter(which).toList();
        assertThat(found).as("one matching span among %s", spans.stream().map(SpanData::getName).toList()).hasSize(1);
        return found.get(0);
    }

    private static List<SpanData> awaitSpans(java.util.function.Predicate<List<SpanData>> ready) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<SpanData> spans = SPANS.getFinishedSpanItems();
        while (!ready.test(spans) && System.nanoTime() < end) {
            Thread.sleep(50);
            spans = SPANS.getFinishedSpanItems();
        }
        return spans;
    }

    /** Sum of the samples of {@code metric} whose labels contain every fragment. */
    private static double sum(String scrape, String metric, String... labelFragments) {
        return scrape.lines()
            .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
            .filter(l -> List.of(labelFragments).stream().allMatch(l::contains))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .sum();
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static String submit(String body, String traceId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs"))
            .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceId != null) {
            request.header("traceparent", "00-" + traceId + "-" + CALLER_SPAN + "-01");
        }
        HttpResponse<String> created = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return JSON.readTree(created.body()).path("id").asString();
    }

    private static void awaitDone(String id) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < end) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs/" + id + "?wait=30s"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode job = JSON.readTree(r.body());
            if (job.path("status").asString().equals("DONE")) {
                return;
            }
            assertThat(job.path("status").asString()).as(job.toString()).isNotEqualTo("FAILED");
        }
        throw new AssertionError("Job " + id + " did not finish in 120 s");
    }

    private static String body(String pipeline, Map<String, JsonNode> inputs, Map<String, String> params) {
        ObjectNode body = JSON.createObjectNode().put("pipeline", pipeline);
        ObjectNode in = body.putObject("inputs");
        inputs.forEach(in::set);
        ObjectNode p = body.putObject("params");
        params.forEach(p::put);
        return body.toString();
    }

    private static JsonNode eegJson() {
        ObjectNode t = JSON.createObjectNode().put("datatype", "FP32");
        t.putArray("shape").add(63).add(250);
        ArrayNode values = t.putArray("data");
        for (float v : Samples.eegTrial("eeg_sub-01_trials.npy", 1, 63, 250)) {
            values.add(v);
        }
        return t;
    }
}
