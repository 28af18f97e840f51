package io.neuropipe.gateway.events;

import static io.neuropipe.gateway.GatewayTestSupport.await;
import static io.neuropipe.gateway.GatewayTestSupport.awaitJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.google.protobuf.ByteString;
import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.job.JobIds;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobRequest;
import io.neuropipe.proto.v1.JobStatus;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.StepResult;
import io.neuropipe.proto.v1.Tensor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class KafkaIngressTest {

    private static final String REQUESTS = "neuropipe.jobs.requests";

    private static KafkaConsumer<String, byte[]> encodeTopic;
    private static KafkaConsumer<String, byte[]> results;

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_ingress");
    }

    @BeforeAll
    static void connect() {
        encodeTopic = GatewayTestSupport.consumer("neuropipe.step.encode");
        results = GatewayTestSupport.consumer("neuropipe.jobs.results");
    }

    @AfterAll
    static void disconnect() {
        encodeTopic.close();
        results.close();
    }

    private static Artifact eeg(int channels, int samples) {
        ByteBuffer raw = ByteBuffer.allocate(channels * samples * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < channels * samples; i++) {
            raw.putFloat(i * 0.5f);
        }
        return Artifact.newBuilder().setTensor(Tensor.newBuilder().setDtype(DataType.FP32).addShape(channels)
            .addShape(samples).setRawData(ByteString.copyFrom(raw.array()))).build();
    }

    private static JobRequest request(String requestId, String pipeline, Artifact eeg) {
        return JobRequest.newBuilder().setRequestId(requestId).setTenant("lab-7").setPipeline(pipeline)
            .putInputs("eeg", eeg).putParams("seed", "42").setTimeoutMs(20_000).build();
    }

    private static JobEvent statusOf(String jobId) throws Exception {
        return JobEvent.parseFrom(await(results, rec -> jobId.equals(rec.key())).value());
    }

    @Test
    void aRequestCreatesAJobOnceAndItsResultIsPublished() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        String id = JobIds.forRequest("lab-7", requestId).toString();
        JobRequest request = request(requestId, "eeg-to-image", eeg(63, 250));
        GatewayTestSupport.send(REQUESTS, requestId, request.toByteArray());
        GatewayTestSupport.send(REQUESTS, requestId, request.toByteArray());

        StepEnvelope env = StepEnvelope.parseFrom(await(encodeTopic, rec -> id.equals(rec.key())).value());
        assertThat(env.getTenant()).isEqualTo("lab-7");
        assertThat(env.getPipeline()).isEqualTo("eeg-to-image");
        assertThat(env.getParamsMap()).containsEntry("seed", "42");
        assertThat(env.getDeadlineEpochMs() - env.getCreatedEpochMs()).isEqualTo(20_000);
        assertThat(env.getArtifactsOrThrow("eeg").getTensor().getRawData())
            .isEqualTo(request.getInputsOrThrow("eeg").getTensor().getRawData());

        awaitJson(port, "/v1/jobs/" + id, j -> j.path("status").asString().equals("PENDING"));
        assertThat(jdbc.sql("SELECT count(*) FROM jobs WHERE request_id = ?").param(requestId)
            .query(Integer.class).single()).isEqualTo(1);

        for (String step : new String[] {"encode", "generate"}) {
            JobEvent result = JobEvent.newBuilder().setJobId(id).setStepId(step).setStep(step)
                .setResult(StepResult.newBuilder().setLeaf(step.equals("generate"))
                    .addArtifacts(Artifact.newBuilder().setName(step.equals("generate") ? "image" : "embedding")
                        .setText(step)))
                .build();
            GatewayTestSupport.send("neuropipe.job-events", id, result.toByteArray());
        }
        ConsumerRecord<String, byte[]> record = await(results, rec -> id.equals(rec.key()));
        JobEvent done = JobEvent.parseFrom(record.value());
        assertThat(done.getStatus().getStatus()).isEqualTo(JobStatus.JOB_DONE);
        assertThat(done.getTenant()).isEqualTo("lab-7");
        assertThat(done.getStatus().getArtifactsList()).extracting(Artifact::getName).containsExactly("image");
        assertThat(new String(record.headers().lastHeader("request_id").value(), StandardCharsets.UTF_8))
            .isEqualTo(requestId);
        assertThat(jdbc.sql("SELECT count(*) FROM jobs WHERE request_id = ?").param(requestId)
            .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void anInvalidRequestForAKnownPipelineBecomesAFailedJob() throws Exception {
        String requestId = "bad-shape-" + UUID.randomUUID();
        String id = JobIds.forRequest("lab-7", requestId).toString();
        GatewayTestSupport.send(REQUESTS, requestId, request(requestId, "eeg-to-image", eeg(62, 250)).toByteArray());

        JobEvent failed = statusOf(id);
        assertThat(failed.getStatus().getStatus()).isEqualTo(JobStatus.JOB_FAILED);
        assertThat(failed.getStatus().getReason()).contains("SHAPE_MISMATCH").contains("inputs.eeg.shape");
        JsonNode job = awaitJson(port, "/v1/jobs/" + id, j -> j.path("status").asString().equals("FAILED"));
        assertThat(job.path("error").path("code").asString()).isEqualTo("SHAPE_MISMATCH");
        assertThat(job.path("error").path("message").asString()).contains("[63, 250]");
    }

    @Test
    void aRequestForAnUnknownPipelineIsAnsweredWithAFailedStatus() throws Exception {
        String requestId = "no-pipeline-" + UUID.randomUUID();
        String id = JobIds.forRequest("lab-7", requestId).toString();
        GatewayTestSupport.send(REQUESTS, requestId, request(requestId, "telepathy", eeg(63, 250)).toByteArray());

        JobEvent failed = statusOf(id);
        assertThat(failed.getStatus().getStatus()).isEqualTo(JobStatus.JOB_FAILED);
        assertThat(failed.getStatus().getReason()).contains("telepathy");
        assertThat(failed.getPipeline()).isEqualTo("telepathy");
    }

    @Test
    void anUnreadableRequestIsAnsweredUnderItsKey() throws Exception {
        String key = "garbled-" + UUID.randomUUID();
        GatewayTestSupport.send(REQUESTS, key, "definitely not protobuf".getBytes(StandardCharsets.UTF_8));

        JobEvent failed = statusOf(key);
        assertThat(failed.getStatus().getStatus()).isEqualTo(JobStatus.JOB_FAILED);
        assertThat(failed.getStatus().getReason()).contains("Unreadable JobRequest");
    }
}
