package io.neuropipe.gateway.api;

import static io.neuropipe.gateway.GatewayTestSupport.JSON;
import static io.neuropipe.gateway.GatewayTestSupport.fp32;
import static io.neuropipe.gateway.GatewayTestSupport.get;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.GatewayTestSupport.Response;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.StepEnvelope;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class JobApiTest {

    private static KafkaConsumer<String, byte[]> encodeTopic;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_api");
    }

    @BeforeAll
    static void subscribe() {
        encodeTopic = GatewayTestSupport.consumer("neuropipe.step.encode");
    }

    @AfterAll
    static void close() {
        encodeTopic.close();
    }

    private Response submit(Object body) {
        return post(port, "/v1/jobs", body, Map.of());
    }

    private static Map<String, Object> eegJob(Object eeg) {
        return Map.of("pipeline", "eeg-to-image", "inputs", Map.of("eeg", eeg));
    }

    private static void assertProblem(Response r, int status, String type, String field) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body().path("type").asString()).isEqualTo("https://neuropipe.io/problems/" + type);
        if (field != null) {
            assertThat(r.body().path("field").asString()).isEqualTo(field);
        }
        assertThat(r.body().path("detail").asString()).isNotBlank();
    }

    @Test
    void listsTheDeclaredPipelinesWithTheShapesTheirModelsExpect() {
        Response r = get(port, "/v1/pipelines");
        assertThat(r.status()).isEqualTo(200);
        List<String> names = r.body().path("pipelines").values().stream().map(p -> p.path("name").asString()).toList();
        assertThat(names).contains("eeg-encode", "eeg-to-image", "eeg-to-caption", "brain-decode-all", "image-caption", "text-generate");
        JsonNode all = r.body().path("pipelines").values().stream()
            .filter(p -> p.path("name").asString().equals("brain-decode-all")).findFirst().orElseThrow();
        JsonNode eeg = all.path("inputs").path("eeg");
        assertThat(eeg.path("datatype").asString()).isEqualTo("FP32");
        assertThat(eeg.path("shape").values().stream().map(JsonNode::asLong).toList()).containsExactly(63L, 250L);
        assertThat(all.path("route").path("step").asString()).isEqualTo("encode");
        assertThat(all.path("route").path("next").values().stream().map(n -> n.path("id").asString()).toList())
            .containsExactly("retrieve", "generate", "decode");
    }

    @Test
    void unknownPipelineIsABadRequestNamingThePipelineField() {
        assertProblem(submit(Map.of("pipeline", "mind-reading", "inputs", Map.of())), 400, "unknown-pipeline", "pipeline");
    }

    @Test
    void malformedJsonIsABadRequest() {
        assertProblem(submit("{\"pipeline\": \"eeg-to-image\", \"inputs\": {"), 400, "malformed-json", null);
    }

    @Test
    void malformedTensorsNameTheFieldAtFault() {
        assertProblem(submit(eegJob("not a tensor")), 400, "invalid-input", "inputs.eeg");
        assertProblem(submit(eegJob(Map.of("datatype", "FP32", "shape", List.of(63, 250), "data", List.of(1, 2, 3)))),
            400, "invalid-input", "inputs.eeg.data");
        assertProblem(submit(eegJob(Map.of("datatype", "FP32", "shape", List.of(2, -1), "data", List.of(1, 2)))),
            400, "invalid-input", "inputs.eeg.shape");
        assertProblem(submit(eegJob(Map.of("datatype", "COMPLEX", "shape", List.of(1), "data", List.of(1)))),
            400, "invalid-input", "inputs.eeg.datatype");
        Map<String, Object> withString = new HashMap<>(fp32(63, 250));
        float[] data = (float[]) withString.get("data");
        List<Object> values = new java.util.ArrayList<>();
        for (float f : data) {
            values.add(f);
        }
        values.set(3, "NaN");
        withString.put("data", values);
        assertProblem(submit(eegJob(withString)), 400, "invalid-input", "inputs.eeg.data[3]");
    }

    @Test
    void tensorsThatDoNotFitTheModelAreRejectedWithTheFieldAndCode() {
        Response shape = submit(eegJob(fp32(62, 250)));
        assertProblem(shape, 400, "invalid-input", "inputs.eeg.shape");
        assertThat(shape.body().path("code").asString()).isEqualTo("SHAPE_MISMATCH");
        assertThat(shape.body().path("detail").asString()).contains("[63, 250]").contains("[62, 250]");

        Map<String, Object> ints = new HashMap<>(fp32(63, 250));
        ints.put("datatype", "INT32");
        ints.put("data", new int[63 * 250]);
        Response dtype = submit(eegJob(ints));
        assertProblem(dtype, 400, "invalid-input", "inputs.eeg.datatype");
        assertThat(dtype.body().path("code").asString()).isEqualTo("SHAPE_MISMATCH");
    }

    @Test
    void missingAndUndeclaredInputsAndBadParamsAreRejected() {
        assertProblem(submit(Map.of("pipeline", "eeg-to-image", "inputs", Map.of())), 400, "invalid-input", "inputs.eeg");
        assertProblem(submit(Map.of("pipeline", "eeg-to-image", "inputs", Map.of("eeg", fp32(63, 250), "fmri", "x"))),
            400, "invalid-input", "inputs.fmri");
        assertProblem(submit(Map.of("pipeline", "eeg-to-image", "inputs", Map.of("eeg", fp32(63, 250)),
            "params", Map.of("guidance", List.of(1, 2)))), 400, "invalid-input", "params.guidance");
        assertProblem(submit(Map.of("pipeline", "eeg-to-image", "inputs", Map.of("eeg", fp32(63, 250)),
            "params", Map.of("timeout_ms", "soon"))), 400, "invalid-input", "params.timeout_ms");
        assertProblem(submit(Map.of("pipeline", "image-caption",
            "inputs", Map.of("image", Map.of("contentType", "image/png", "base64", "aGVsbG8=")))),
            400, "invalid-input", "inputs.image");
    }

    @Test
    void unknownJobIsNotFound() {
        assertProblem(get(port, "/v1/jobs/" + UUID.randomUUID()), 404, "job-not-found", null);
        assertProblem(get(port, "/v1/jobs/not-a-uuid"), 404, "job-not-found", null);
    }

    @Test
    void acceptedJobSendsItsEnvelopeToTheFirstStep() throws Exception {
        Instant before = Instant.now();
        Response r = submit(Map.of("pipeline", "brain-decode-all",
            "inputs", Map.of("eeg", fp32(63, 250), "prompt", "Describe:"),
            "params", Map.of("temperature", 0.7, "greedy", true, "timeout_ms", 5000)));
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        String id = r.body().path("id").asString();
        assertThat(r.body().path("status").asString()).isEqualTo("PENDING");
        assertThat(r.body().path("links").path("self").asString()).isEqualTo("/v1/jobs/" + id);

        StepEnvelope env = StepEnvelope.parseFrom(GatewayTestSupport.await(encodeTopic, rec -> id.equals(rec.key())).value());
        assertThat(env.getJobId()).isEqualTo(id);
        assertThat(env.getTenant()).isEqualTo("default");
        assertThat(env.getPipeline()).isEqualTo("brain-decode-all");
        assertThat(env.getCurrentStepId()).isEqualTo("encode");
        assertThat(env.getAttempt()).isEqualTo(1);
        assertThat(env.getRoute().getStep()).isEqualTo("encode");
        assertThat(env.getRoute().getNextList()).extracting(n -> n.getId()).containsExactly("retrieve", "generate", "decode");
        assertThat(env.getTraceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(env.getParamsMap()).containsEntry("temperature", "0.7").containsEntry("greedy", "true");
        assertThat(env.getDeadlineEpochMs() - env.getCreatedEpochMs()).isEqualTo(5000);
        assertThat(env.getCreatedEpochMs()).isGreaterThanOrEqualTo(before.toEpochMilli() - 1);
        assertThat(env.getSentEpochMs()).isGreaterThanOrEqualTo(env.getCreatedEpochMs());

        Artifact eeg = env.getArtifactsOrThrow("eeg");
        assertThat(eeg.getName()).isEqualTo("eeg");
        assertThat(eeg.getTensor().getDtype()).isEqualTo(DataType.FP32);
        assertThat(eeg.getTensor().getShapeList()).containsExactly(63L, 250L);
        ByteBuffer raw = eeg.getTensor().getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(raw.remaining()).isEqualTo(63 * 250 * 4);
        assertThat(raw.getFloat(4 * 1000)).isEqualTo(1000 * 0.001f);
        assertThat(env.getArtifactsOrThrow("prompt").getText()).isEqualTo("Describe:");

        JsonNode job = get(port, "/v1/jobs/" + id).body();
        assertThat(job.path("status").asString()).isEqualTo("PENDING");
        assertThat(job.path("pipeline").asString()).isEqualTo("brain-decode-all");
        assertThat(job.path("steps").values().stream().map(s -> s.path("id").asString() + ":" + s.path("status").asString()))
            .containsExactly("encode:PENDING", "retrieve:PENDING", "generate:PENDING", "decode:PENDING");
        assertThat(job.path("created").asString()).isNotBlank();
    }

    @Test
    void imagesTravelAsEncodedBytesWithTheirContentType() throws Exception {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16};
        Response r = submit(Map.of("pipeline", "image-caption", "inputs", Map.of(
            "image", Map.of("contentType", "image/jpeg", "base64", java.util.Base64.getEncoder().encodeToString(jpeg)),
            "prompt", "caption:")));
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        String id = r.body().path("id").asString();
        try (var prune = GatewayTestSupport.consumer("neuropipe.step.prune")) {
            StepEnvelope env = StepEnvelope.parseFrom(GatewayTestSupport.await(prune, rec -> id.equals(rec.key())).value());
            Artifact image = env.getArtifactsOrThrow("image");
            assertThat(image.getPng().toByteArray()).isEqualTo(jpeg);
            assertThat(image.getMetadataMap()).containsEntry("content_type", "image/jpeg");
            assertThat(env.getRoute().getNext(0).getParamsMap()).containsEntry("output", "caption");
        }
        assertProblem(submit(Map.of("pipeline", "image-caption", "inputs", Map.of(
            "image", Map.of("contentType", "image/gif", "base64", "R0lGODlh")))), 400, "invalid-input", "inputs.image.contentType");
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheSameJob() {
        Map<String, String> key = Map.of("Idempotency-Key", "req-" + UUID.randomUUID());
        Response first = post(port, "/v1/jobs", eegJob(fp32(63, 250)), key);
        Response second = post(port, "/v1/jobs", eegJob(fp32(63, 250)), key);
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.body().path("id").asString()).isEqualTo(first.body().path("id").asString());
    }

    @Test
    void callersTraceIsContinued() throws Exception {
        String trace = "0af7651916cd43dd8448eb211c80319c";
        Response r = post(port, "/v1/jobs", Map.of("pipeline", "text-generate", "inputs", Map.of("prompt", "Hi")),
            Map.of("traceparent", "00-" + trace + "-b7ad6b7169203331-01"));
        assertThat(r.status()).isEqualTo(202);
        String id = r.body().path("id").asString();
        try (var decode = GatewayTestSupport.consumer("neuropipe.step.decode")) {
            StepEnvelope env = StepEnvelope.parseFrom(GatewayTestSupport.await(decode, rec -> id.equals(rec.key())).value());
            assertThat(env.getTraceparent()).startsWith("00-" + trace + "-").doesNotContain("b7ad6b7169203331");
            assertThat(env.getArtifactsOrThrow("prompt").getText()).isEqualTo("Hi");
        }
        assertThat(JSON).isNotNull();
    }
}
