package io.neuropipe.gateway.events;

import static io.neuropipe.gateway.GatewayTestSupport.await;
import static io.neuropipe.gateway.GatewayTestSupport.awaitJson;
import static io.neuropipe.gateway.GatewayTestSupport.fp32;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobStatus;
import io.neuropipe.proto.v1.PartialOutput;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.StepFailure;
import io.neuropipe.proto.v1.StepResult;
import io.neuropipe.proto.v1.StepTiming;
import io.neuropipe.proto.v1.Tensor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Plays the services' side with a plain Kafka consumer and producer. */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class JobLifecycleTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
    private static final String RETRIEVAL = "{\"gallery\":\"zoo\",\"version\":1,\"hits\":[{\"rank\":1,\"id\":7,"
        + "\"label\":\"a red circle\",\"score\":0.91,\"thumbnail\":\"/v1/galleries/zoo/entries/7/thumbnail\"}]}";

    private static KafkaConsumer<String, byte[]> encodeTopic;
    private static KafkaConsumer<String, byte[]> results;
    private static KafkaProducer<String, byte[]> services;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_lifecycle");
    }

    @BeforeAll
    static void connect() {
        encodeTopic = GatewayTestSupport.consumer("neuropipe.step.encode");
        results = GatewayTestSupport.consumer("neuropipe.jobs.results");
        services = GatewayTestSupport.producer();
    }

    @AfterAll
    static void disconnect() {
        encodeTopic.close();
        results.close();
        services.close();
    }

    private String start(String pipeline) throws Exception {
        var r = post(port, "/v1/jobs", Map.of("pipeline", pipeline, "inputs", Map.of("eeg", fp32(63, 250))), Map.of());
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        String id = r.body().path("id").asString();
        StepEnvelope env = StepEnvelope.parseFrom(await(encodeTopic, rec -> id.equals(rec.key())).value());
        assertThat(env.getCurrentStepId()).isEqualTo("encode");
        return id;
    }

    private void publish(JobEvent event) throws Exception {
        services.send(new ProducerRecord<>("neuropipe.job-events", event.getJobId(), event.toByteArray())).get();
    }

    private static JobEvent.Builder event(String job, String stepId) {
        return JobEvent.newBuilder().setJobId(job).setTenant("default").setStepId(stepId).setStep(stepId)
            .setService("test-" + stepId).setEmittedEpochMs(System.currentTimeMillis())
            .setTiming(StepTiming.newBuilder().setQueueMs(2).setPreprocessUs(30).setInferenceUs(400)
                .setPostprocessUs(50).setTotalUs(500));
    }

    private static JobEvent result(String job, String stepId, boolean leaf, Artifact... artifacts) {
        StepResult.Builder r = StepResult.newBuilder().setLeaf(leaf).putProvenance("model", stepId + "-model/1");
        for (Artifact a : artifacts) {
            r.addArtifacts(a);
        }
        return event(job, stepId).setResult(r).build();
    }

    @Test
    void jobIsDoneWhenEveryLeafReportedAndDuplicatesAreIgnored() throws Exception {
        String id = start("brain-decode-all");
        Tensor embedding = Tensor.newBuilder().setDtype(DataType.FP32).addShape(1).addShape(2)
            .setRawData(ByteString.copyFrom(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40})).build();

        publish(result(id, "encode", false, Artifact.newBuilder().setName("embedding").setTensor(embedding).build()));
        awaitJson(port, "/v1/jobs/" + id, j -> j.path("status").asString().equals("RUNNING"));

        publish(result(id, "generate", true, Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(PNG)).build()));
        publish(result(id, "generate", true, Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(new byte[] {1})).build()));
        publish(event(id, "decode").setPartial(PartialOutput.newBuilder().setArtifact("caption").setIndex(0).setText("a red")).build());
        publish(event(id, "decode").setPartial(PartialOutput.newBuilder().setArtifact("caption").setIndex(1).setText(" circle")).build());
        JsonNode running = awaitJson(port, "/v1/jobs/" + id,
            j -> j.path("partial").path("caption").asString().equals("a red circle"));
        assertThat(running.path("status").asString()).isEqualTo("RUNNING");
        assertThat(running.path("steps").values().stream().filter(s -> s.path("status").asString().equals("DONE")).count())
            .isEqualTo(2);

        publish(result(id, "decode", true, Artifact.newBuilder().setName("caption").setText("a red circle").build()));
        JsonNode twoOfThree = awaitJson(port, "/v1/jobs/" + id, j -> j.path("results").has("caption"));
        assertThat(twoOfThree.path("status").asString()).as("the retrieve leaf has not reported").isEqualTo("RUNNING");

        publish(result(id, "retrieve", true, Artifact.newBuilder().setName("retrieval").setText(RETRIEVAL)
                .putMetadata("content_type", "application/json").build(),
            Artifact.newBuilder().setName("retrieved").setPng(ByteString.copyFrom(PNG)).putMetadata("label", "a red circle").build()));
        JsonNode done = awaitJson(port, "/v1/jobs/" + id, j -> j.path("status").asString().equals("DONE"));

        assertThat(done.path("finished").asString()).isNotBlank();
        assertThat(done.path("results").path("caption").asString()).as(done.toString()).isEqualTo("a red circle");
        assertThat(done.path("results").path("image").path("contentType").asString()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(done.path("results").path("image").path("base64").asString())).isEqualTo(PNG);
        assertThat(done.path("results").path("retrieval").asString()).isEqualTo(RETRIEVAL);
        assertThat(done.path("results").path("retrieved").path("contentType").asString()).isEqualTo("image/png");
        assertThat(done.path("results").has("embedding")).isFalse();
        assertThat(done.has("partial")).isFalse();
        JsonNode encode = done.path("steps").get(0);
        assertThat(encode.path("id").asString()).isEqualTo("encode");
        assertThat(encode.path("status").asString()).isEqualTo("DONE");
        assertThat(encode.path("service").asString()).isEqualTo("test-encode");
        assertThat(encode.path("timing").path("inferenceUs").asLong()).isEqualTo(400);
        assertThat(encode.path("timing").path("totalUs").asLong()).isEqualTo(500);
        assertThat(encode.path("provenance").path("raw").path("model").asString()).isEqualTo("encode-model/1");
        assertThat(encode.path("provenance").path("models").get(0).path("name").asString()).isEqualTo("encode-model");
        assertThat(done.path("models").findValuesAsString("name"))
            .containsExactlyInAnyOrder("encode-model", "retrieve-model", "generate-model", "decode-model");
        assertThat(done.path("durationMs").asLong()).isNotNegative();

        JobEvent status = JobEvent.parseFrom(await(results, rec -> id.equals(rec.key())).value());
        assertThat(status.getStatus().getStatus()).isEqualTo(JobStatus.JOB_DONE);
        assertThat(status.getJobId()).isEqualTo(id);
        assertThat(status.getPipeline()).isEqualTo("brain-decode-all");
        assertThat(status.getStatus().getArtifactsList())
            .extracting(a -> a.getName() + "@" + a.getProducerStep())
            .containsExactlyInAnyOrder("retrieval@retrieve", "retrieved@retrieve", "image@generate", "caption@decode");
        assertThat(status.getStatus().getArtifactsList()).filteredOn(a -> a.getName().equals("image"))
            .singleElement().satisfies(a -> assertThat(a.getPng().toByteArray()).isEqualTo(PNG));
    }

    @Test
    void aWaitingReaderIsAnsweredWhenTheJobEnds() throws Exception {
        String id = start("eeg-to-image");
        long t0 = System.nanoTime();
        JsonNode pending = GatewayTestSupport.get(port, "/v1/jobs/" + id + "?wait=150ms").body();
        assertThat(pending.path("status").asString()).isEqualTo("PENDING");
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(150_000_000L);

        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> GatewayTestSupport.get(port, "/v1/jobs/" + id + "?wait=20s"));
        publish(result(id, "encode", false));
        publish(result(id, "generate", true, Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(PNG)).build()));
        var done = waiting.get(GatewayTestSupport.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body().path("status").asString()).isEqualTo("DONE");
        assertThat(done.body().path("results").path("image").path("contentType").asString()).isEqualTo("image/png");

        assertThat(GatewayTestSupport.get(port, "/v1/jobs/" + id + "?wait=5s").body().path("status").asString())
            .isEqualTo("DONE");
        assertThat(GatewayTestSupport.get(port, "/v1/jobs/" + java.util.UUID.randomUUID() + "?wait=5s").status())
            .isEqualTo(404);
        assertThat(GatewayTestSupport.get(port, "/v1/jobs/" + id + "?wait=soon").body().path("field").asString())
            .isEqualTo("wait");
    }

    @Test
    void aFailedStepFailsTheJobWithItsReason() throws Exception {
        String id = start("eeg-to-image");
        publish(event(id, "encode").setFailure(StepFailure.newBuilder().setCode(ErrorCode.NOT_FOUND)
            .setMessage("Unknown subject 'sub-99'")).build());

        JsonNode failed = awaitJson(port, "/v1/jobs/" + id, j -> j.path("status").asString().equals("FAILED"));
        assertThat(failed.path("error").path("code").asString()).isEqualTo("NOT_FOUND");
        assertThat(failed.path("error").path("message").asString()).isEqualTo("Unknown subject 'sub-99'");
        assertThat(failed.path("steps").get(0).path("status").asString()).isEqualTo("FAILED");
        assertThat(failed.path("steps").get(1).path("status").asString()).isEqualTo("PENDING");

        JobEvent status = JobEvent.parseFrom(await(results, rec -> id.equals(rec.key())).value());
        assertThat(status.getStatus().getStatus()).isEqualTo(JobStatus.JOB_FAILED);
        assertThat(status.getStatus().getReason()).contains("NOT_FOUND").contains("sub-99");

        publish(result(id, "generate", true, Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(PNG)).build()));
        JsonNode late = awaitJson(port, "/v1/jobs/" + id, j -> j.path("steps").get(1).path("status").asString().equals("DONE"));
        assertThat(late.path("status").asString()).isEqualTo("FAILED");
    }

    @Test
    void aCancelledStepOfAnOpenJobCancelsIt() throws Exception {
        String id = start("eeg-to-image");
        publish(event(id, "encode").setFailure(StepFailure.newBuilder().setCode(ErrorCode.CANCELLED)
            .setMessage("Job cancelled while the step was running")).build());

        JsonNode cancelled = awaitJson(port, "/v1/jobs/" + id, j -> !j.path("status").asString().matches("PENDING|RUNNING"));
        assertThat(cancelled.path("status").asString()).isEqualTo("CANCELLED");
        assertThat(cancelled.path("error").path("code").asString()).isEqualTo("CANCELLED");
        JobEvent status = JobEvent.parseFrom(await(results, rec -> id.equals(rec.key())).value());
        assertThat(status.getStatus().getStatus()).isEqualTo(JobStatus.JOB_CANCELLED);
    }

    @Test
    void eventsForUnknownJobsAndUnreadableRecordsDoNotStopTheConsumer() throws Exception {
        publish(result("00000000-0000-0000-0000-000000000000", "encode", false));
        services.send(new ProducerRecord<>("neuropipe.job-events", "garbage", new byte[] {(byte) 0xFF, 1, 2})).get();
        String id = start("eeg-to-image");
        publish(result(id, "encode", false));
        publish(result(id, "generate", true, Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(PNG)).build()));
        awaitJson(port, "/v1/jobs/" + id, j -> j.path("status").asString().equals("DONE"));
        try (var dlq = GatewayTestSupport.consumer("neuropipe.job-events.dlq")) {
            assertThat(await(dlq, rec -> "garbage".equals(rec.key())).value()).containsExactly(0xFF, 1, 2);
        }
    }
}
