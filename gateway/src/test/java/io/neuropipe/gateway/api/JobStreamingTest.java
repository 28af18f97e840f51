package io.neuropipe.gateway.api;

import static io.neuropipe.gateway.GatewayTestSupport.await;
import static io.neuropipe.gateway.GatewayTestSupport.awaitJson;
import static io.neuropipe.gateway.GatewayTestSupport.fp32;
import static io.neuropipe.gateway.GatewayTestSupport.get;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.SseClient;
import io.neuropipe.gateway.job.Npy;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobStatus;
import io.neuropipe.proto.v1.PartialOutput;
import io.neuropipe.proto.v1.StepResult;
import io.neuropipe.proto.v1.Tensor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.neuropipe.gateway.job.JobStore;
import io.neuropipe.gateway.job.StepStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** SSE, listing, artifacts and cancellation, with a test playing the services on Kafka. */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class JobStreamingTest {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static KafkaConsumer<String, byte[]> encodeTopic;
    private static KafkaConsumer<String, byte[]> cancelTopic;
    private static KafkaProducer<String, byte[]> services;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_streaming");
    }

    @BeforeAll
    static void connect() {
        encodeTopic = GatewayTestSupport.consumer("neuropipe.step.encode");
        cancelTopic = GatewayTestSupport.consumer("neuropipe.jobs.cancel");
        services = GatewayTestSupport.producer();
    }

    @AfterAll
    static void disconnect() {
        encodeTopic.close();
        cancelTopic.close();
        services.close();
    }

    private String start(String pipeline) {
        var r = post(port, "/v1/jobs", Map.of("pipeline", pipeline, "inputs", Map.of("eeg", fp32(63, 250))), Map.of());
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        String id = r.body().path("id").asString();
        await(encodeTopic, rec -> id.equals(rec.key()));
        return id;
    }

    private void publish(JobEvent event) throws Exception {
        services.send(new ProducerRecord<>("neuropipe.job-events", event.getJobId(), event.toByteArray())).get();
    }

    private static JobEvent result(String job, String stepId, boolean leaf, Artifact... artifacts) {
        StepResult.Builder r = StepResult.newBuilder().setLeaf(leaf).putProvenance("model", stepId + "-model/1");
        for (Artifact a : artifacts) {
            r.addArtifacts(a);
        }
        return JobEvent.newBuilder().setJobId(job).setStepId(stepId).setStep(stepId).setService("test-" + stepId)
            .setResult(r).build();
    }

    private static JobEvent chunk(String job, int index, String text) {
        return JobEvent.newBuilder().setJobId(job).setStepId("decode").setStep("decode")
            .setPartial(PartialOutput.newBuilder().setArtifact("caption").setIndex(index).setText(text)).build();
    }

    private static boolean step(SseClient.Event e, String id, String status) {
        return e.name().equals("step") && e.data().path("id").asString().equals(id)
            && e.data().path("status").asString().equals(status);
    }

    /** The retrieve step's JSON hits, as the neural encoder writes them. */
    static Artifact retrieval(String label) {
        return Artifact.newBuilder().setName("retrieval").putMetadata("content_type", "application/json")
            .setText("{\"gallery\":\"zoo\",\"version\":1,\"hits\":[{\"rank\":1,\"id\":3,\"label\":\"" + label
                + "\",\"score\":0.8,\"thumbnail\":\"/v1/galleries/zoo/entries/3/thumbnail\"}]}").build();
    }

    static Tensor embedding() {
        return Tensor.newBuilder().setDtype(DataType.FP32).addShape(1).addShape(2)
            .setRawData(ByteString.copyFrom(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40})).build();
    }

    @Test
    void subscribersEarlyAndLateSeeStepsStreamedTextAndTheResult() throws Exception {
        String id = start("brain-decode-all");
        try (SseClient early = new SseClient(port, "/v1/jobs/" + id + "/events", Map.of())) {
            assertThat(early.status()).isEqualTo(200);
            early.await(e -> step(e, "encode", "STARTED"));
            publish(result(id, "encode", false, Artifact.newBuilder().setName("embedding").setTensor(embedding()).build()));
            SseClient.Event encoded = early.await(e -> step(e, "encode", "DONE"));
            assertThat(encoded.data().path("provenance").path("models").get(0).path("name").asString())
                .isEqualTo("encode-model");
            early.await(e -> step(e, "retrieve", "STARTED"));
            early.await(e -> step(e, "generate", "STARTED"));
            early.await(e -> step(e, "decode", "STARTED"));

            publish(chunk(id, 0, "a red"));
            publish(chunk(id, 1, " circle"));
            assertThat(early.await(e -> e.name().equals("chunk")).data().path("text").asString()).isEqualTo("a red");
            assertThat(early.await(e -> e.name().equals("chunk")).data().path("text").asString()).isEqualTo(" circle");

            try (SseClient late = new SseClient(port, "/v1/jobs/" + id + "/events", Map.of())) {
                late.await(e -> step(e, "encode", "DONE"));
                SseClient.Event first = late.await(e -> e.name().equals("chunk"));
                assertThat(first.data().path("index").asInt()).isEqualTo(0);
                assertThat(late.await(e -> e.name().equals("chunk")).data().path("text").asString()).isEqualTo(" circle");

                publish(chunk(id, 2, " on black"));
                publish(result(id, "generate", true, Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(PNG)).build()));
                publish(result(id, "decode", true, Artifact.newBuilder().setName("caption").setText("a red circle on black").build()));
                publish(result(id, "retrieve", true, retrieval("a red circle")));
                for (SseClient client : new SseClient[] {early, late}) {
                    assertThat(client.await(e -> e.name().equals("chunk")).data().path("text").asString()).isEqualTo(" on black");
                    client.await(e -> step(e, "retrieve", "DONE"));
                    SseClient.Event end = client.await(e -> e.name().equals("job"));
                    assertThat(end.data().path("status").asString()).isEqualTo("DONE");
                    assertThat(end.data().path("results").path("caption").asString()).isEqualTo("a red circle on black");
                    assertThat(end.data().path("results").path("retrieval").asString()).contains("\"label\":\"a red circle\"");
                }
                awaitEnd(late);
                assertThat(late.drain()).noneMatch(e -> e.name().equals("chunk") || e.name().equals("job"));
            }
            awaitEnd(early);
        }
        try (SseClient after = new SseClient(port, "/v1/jobs/" + id + "/events", Map.of())) {
            assertThat(after.await(e -> e.name().equals("job")).data().path("status").asString()).isEqualTo("DONE");
            awaitEnd(after);
        }
        assertThat(new SseClient(port, "/v1/jobs/" + java.util.UUID.randomUUID() + "/events", Map.of()).status())
            .isEqualTo(404);
    }

    private static void awaitEnd(SseClient c) {
        org.awaitility.Awaitility.await().atMost(GatewayTestSupport.WAIT).until(c::ended);
    }

    @Test
    void provenanceShowsModelsVersionsChecksumsParametersAndTimings() throws Exception {
        var r = post(port, "/v1/jobs", Map.of("pipeline", "image-caption", "inputs", Map.of("image",
            Map.of("contentType", "image/png", "base64", java.util.Base64.getEncoder().encodeToString(PNG)))), Map.of());
        String id = r.body().path("id").asString();
        String sha = "ab".repeat(32);
        publish(JobEvent.newBuilder().setJobId(id).setStepId("prune").setStep("prune").setService("token-pruner")
            .setTiming(io.neuropipe.proto.v1.StepTiming.newBuilder().setQueueMs(3).setPreprocessUs(120)
                .setInferenceUs(4500).setPostprocessUs(80).setTotalUs(4800))
            .setResult(StepResult.newBuilder().putAllProvenance(Map.of("prune.model", "image-encoder/1",
                "prune.sha256", sha, "prune.strategy", "cls-attention", "prune.kept_tokens", "16",
                "prune.total_tokens", "64", "prune.kept_ratio", "0.2500"))).build());
        publish(JobEvent.newBuilder().setJobId(id).setStepId("decode").setStep("decode").setService("llm-decoder")
            .setResult(StepResult.newBuilder().setLeaf(true).addArtifacts(Artifact.newBuilder().setName("caption")
                .setText("a red circle")).putAllProvenance(Map.of("decode.model", "lm/2", "decode.sha256", sha,
                "decode.trained", "true", "decode.new_tokens", "3"))).build());
        JsonNode done = awaitJson(port, "/v1/jobs/" + id, j -> j.path("status").asString().equals("DONE"));
        JsonNode prune = done.path("steps").get(0).path("provenance");
        assertThat(prune.path("models").get(0).path("name").asString()).isEqualTo("image-encoder");
        assertThat(prune.path("models").get(0).path("version").asString()).isEqualTo("1");
        assertThat(prune.path("models").get(0).path("sha256").asString()).isEqualTo(sha);
        assertThat(prune.path("keptTokenRatio").asDouble()).isEqualTo(0.25);
        assertThat(prune.path("parameters").path("strategy").asString()).isEqualTo("cls-attention");
        assertThat(prune.path("parameters").has("sha256")).isFalse();
        assertThat(done.path("steps").get(0).path("timing").path("inferenceUs").asLong()).isEqualTo(4500);
        JsonNode decode = done.path("steps").get(1).path("provenance");
        assertThat(decode.path("models").get(0).path("trained").asBoolean()).isTrue();
        assertThat(decode.path("parameters").path("new_tokens").asString()).isEqualTo("3");
        assertThat(done.path("models").findValuesAsString("name")).containsExactly("image-encoder", "lm");
    }

    @Autowired
    StepStore stepStore;

    @Autowired
    JobStore jobStore;

    @Test
    void subscribersCatchUpOnEventsAnotherGatewayInstanceConsumed() throws Exception {
        String id = start("eeg-encode");
        try (SseClient sse = new SseClient(port, "/v1/jobs/" + id + "/events", Map.of())) {
            sse.await(e -> step(e, "encode", "STARTED"));
            // what another instance's consumer would store, without this instance's live feed hearing of it
            java.util.UUID uuid = java.util.UUID.fromString(id);
            stepStore.insertResult(uuid, result(id, "encode", true), java.time.Instant.now());
            jobStore.finish(uuid, io.neuropipe.gateway.job.JobState.DONE, null, null, java.time.Instant.now());
            sse.await(e -> step(e, "encode", "DONE"));
            assertThat(sse.await(e -> e.name().equals("job")).data().path("status").asString()).isEqualTo("DONE");
        }
    }

    @Test
    void artifactsComeInTheirOwnMediaTypes() throws Exception {
        String id = start("brain-decode-all");
        publish(result(id, "encode", false, Artifact.newBuilder().setName("embedding").setTensor(embedding()).build()));
        publish(result(id, "generate", true, Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(PNG)).build()));
        publish(result(id, "decode", true, Artifact.newBuilder().setName("caption").setText("a blue square").build()));
        publish(result(id, "retrieve", true, retrieval("a blue square")));
        awaitJson(port, "/v1/jobs/" + id, j -> j.path("status").asString().equals("DONE"));

        HttpResponse<byte[]> image = raw("/v1/jobs/" + id + "/artifacts/image", "*/*");
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(image.body()).isEqualTo(PNG);

        HttpResponse<byte[]> caption = raw("/v1/jobs/" + id + "/artifacts/caption", "*/*");
        assertThat(caption.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(new String(caption.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("a blue square");

        HttpResponse<byte[]> retrieval = raw("/v1/jobs/" + id + "/artifacts/retrieval", "*/*");
        assertThat(retrieval.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(GatewayTestSupport.JSON.readTree(retrieval.body()).path("hits").get(0).path("label").asString())
            .isEqualTo("a blue square");

        JsonNode tensor = get(port, "/v1/jobs/" + id + "/artifacts/embedding").body();
        assertThat(tensor.path("name").asString()).isEqualTo("embedding");
        assertThat(tensor.path("datatype").asString()).isEqualTo("FP32");
        assertThat(tensor.path("shape").toString()).isEqualTo("[1,2]");
        assertThat(tensor.path("data").toString()).isEqualTo("[1.0,2.0]");

        HttpResponse<byte[]> npy = raw("/v1/jobs/" + id + "/artifacts/encode.embedding", "application/x-npy");
        assertThat(npy.headers().firstValue("Content-Type")).hasValue("application/x-npy");
        Tensor back = Npy.read(npy.body(), "npy", 100);
        assertThat(back).isEqualTo(embedding());
        assertThat(raw("/v1/jobs/" + id + "/artifacts/embedding?format=npy", "*/*").body()).isEqualTo(npy.body());

        var missing = get(port, "/v1/jobs/" + id + "/artifacts/nothing");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().path("type").asString()).endsWith("/artifact-not-found");
        assertThat(get(port, "/v1/jobs/not-a-job/artifacts/image").status()).isEqualTo(404);
    }

    private HttpResponse<byte[]> raw(String path, String accept) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Accept", accept)
            .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void jobsAreListedByStatusAndPipelineAPageAtATime() {
        String a = start("eeg-encode");
        String b = start("eeg-encode");
        String c = start("eeg-to-caption");
        JsonNode page = get(port, "/v1/jobs?pipeline=eeg-encode&status=PENDING&size=1").body();
        assertThat(page.path("items").size()).isEqualTo(1);
        assertThat(page.path("items").get(0).path("id").asString()).isEqualTo(b);
        assertThat(page.path("total").asLong()).isGreaterThanOrEqualTo(2);
        JsonNode second = get(port, page.path("next").asString()).body();
        assertThat(second.path("items").get(0).path("id").asString()).isEqualTo(a);
        assertThat(get(port, "/v1/jobs?pipeline=eeg-to-caption").body().path("items").findValuesAsString("id"))
            .contains(c).doesNotContain(a, b);
        assertThat(get(port, "/v1/jobs?status=DONE&pipeline=eeg-encode").body().path("items").findValuesAsString("id"))
            .doesNotContain(a, b);
        var bad = get(port, "/v1/jobs?status=SLEEPING");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().path("field").asString()).isEqualTo("status");
        assertThat(get(port, "/v1/jobs?size=0").status()).isEqualTo(400);
        assertThat(get(port, "/v1/jobs?page=x").status()).isEqualTo(400);
    }

    @Test
    void aCancelledJobEndsAtOnceAndServicesAreTold() throws Exception {
        String id = start("eeg-to-image");
        try (SseClient sse = new SseClient(port, "/v1/jobs/" + id + "/events", Map.of())) {
            sse.await(e -> step(e, "encode", "STARTED"));
            var cancelled = delete("/v1/jobs/" + id);
            assertThat(cancelled.statusCode()).isEqualTo(200);
            assertThat(GatewayTestSupport.JSON.readTree(cancelled.body()).path("status").asString()).isEqualTo("CANCELLED");
            assertThat(sse.await(e -> e.name().equals("job")).data().path("status").asString()).isEqualTo("CANCELLED");
        }
        JobEvent record = JobEvent.parseFrom(await(cancelTopic, rec -> id.equals(rec.key())).value());
        assertThat(record.getStatus().getStatus()).isEqualTo(JobStatus.JOB_CANCELLED);
        assertThat(record.getJobId()).isEqualTo(id);
        assertThat(delete("/v1/jobs/" + id).statusCode()).isEqualTo(200);

        publish(result(id, "encode", false));
        awaitJson(port, "/v1/jobs/" + id, j -> j.path("steps").get(0).path("status").asString().equals("DONE"));
        assertThat(get(port, "/v1/jobs/" + id).body().path("status").asString()).isEqualTo("CANCELLED");

        String done = start("eeg-encode");
        publish(result(done, "encode", true));
        awaitJson(port, "/v1/jobs/" + done, j -> j.path("status").asString().equals("DONE"));
        var conflict = delete("/v1/jobs/" + done);
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(conflict.body()).contains("/job-finished");
        assertThat(delete("/v1/jobs/" + java.util.UUID.randomUUID()).statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theOpenApiDescriptionListsTheEndpoints() throws Exception {
        var docs = get(port, "/v3/api-docs");
        assertThat(docs.status()).as(docs.raw()).isEqualTo(200);
        assertThat(docs.body().path("paths").propertyNames())
            .contains("/v1/jobs", "/v1/jobs/{id}", "/v1/jobs/{id}/events", "/v1/jobs/{id}/artifacts/{name}", "/v1/pipelines");
        assertThat(docs.body().path("components").path("securitySchemes").path("apiKey").path("name").asString())
            .isEqualTo("X-API-Key");
        assertThat(docs.body().path("paths").propertyNames()).contains("/v1/admin/keys", "/v1/samples/{file}",
            "/v2/models/{model}");
        assertThat(raw("/swagger-ui/index.html", "text/html").statusCode()).isEqualTo(200);
    }
}
