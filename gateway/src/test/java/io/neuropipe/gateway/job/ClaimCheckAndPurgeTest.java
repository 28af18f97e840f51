package io.neuropipe.gateway.job;

import static io.neuropipe.gateway.GatewayTestSupport.fp32;
import static io.neuropipe.gateway.GatewayTestSupport.get;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.GatewayTestSupport.Response;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobStatus;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.blob.BlobMissingException;
import io.neuropipe.runtime.blob.ClaimCheck;
import io.neuropipe.runtime.tensor.Tensors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Inline inputs above the inline limit (16 KB here) go to the blob store and travel by reference;
 * the artifact is still served whole; {@code DELETE ?purge=true} cancels, then deletes the job and its blobs.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=gateway", "neuropipe.blobs.inline-limit=16KB"})
@DirtiesContext
class ClaimCheckAndPurgeTest {

    private static KafkaConsumer<String, byte[]> encodeTopic;
    private static KafkaConsumer<String, byte[]> cancelTopic;

    @Value("${local.server.port}")
    int port;
    @Autowired
    ClaimCheck claimCheck;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_claimcheck");
    }

    @BeforeAll
    static void subscribe() {
        encodeTopic = GatewayTestSupport.consumer("neuropipe.step.encode");
        cancelTopic = GatewayTestSupport.consumer("neuropipe.jobs.cancel");
    }

    @AfterAll
    static void close() {
        encodeTopic.close();
        cancelTopic.close();
    }

    @Test
    void aLargeInlineTensorTravelsByReferenceAndIsPurgedWithItsJob() throws Exception {
        Response r = post(port, "/v1/jobs", Map.of("pipeline", "eeg-to-image", "inputs", Map.of("eeg", fp32(63, 250))), Map.of());
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        String id = r.body().path("id").asString();

        ConsumerRecord<String, byte[]> record = GatewayTestSupport.await(encodeTopic, rec -> id.equals(rec.key()));
        assertThat(record.value().length).isLessThan(4096);
        Artifact eeg = StepEnvelope.parseFrom(record.value()).getArtifactsOrThrow("eeg");
        assertThat(eeg.getBlob().getMediaType()).isEqualTo(ClaimCheck.TENSOR);
        assertThat(eeg.getBlob().getUri()).startsWith("pg://blobs/");
        float[] stored = Tensors.toFloats(claimCheck.inline(eeg).getTensor());
        assertThat(stored).hasSize(63 * 250);
        assertThat(stored[1000]).isEqualTo(1000 * 0.001f);

        JsonNode served = get(port, "/v1/jobs/" + id + "/artifacts/eeg").body();
        assertThat(served.path("shape").toString()).isEqualTo("[63,250]");
        assertThat(served.path("data").get(1000).floatValue()).isEqualTo(1000 * 0.001f);

        Response purged = GatewayTestSupport.delete(port, "/v1/jobs/" + id + "?purge=true", Map.of());
        assertThat(purged.status()).as(purged.raw()).isEqualTo(204);
        assertThat(get(port, "/v1/jobs/" + id).status()).isEqualTo(404);
        assertThat(get(port, "/v1/jobs/" + id + "/artifacts/eeg").status()).isEqualTo(404);
        assertThatThrownBy(() -> claimCheck.inline(eeg)).isInstanceOf(BlobMissingException.class);
        // the job was still open: services were told to stop
        JobEvent cancel = JobEvent.parseFrom(GatewayTestSupport.await(cancelTopic, rec -> id.equals(rec.key())).value());
        assertThat(cancel.getStatus().getStatus()).isEqualTo(JobStatus.JOB_CANCELLED);
        assertThat(GatewayTestSupport.delete(port, "/v1/jobs/" + id + "?purge=true", Map.of()).status()).isEqualTo(404);
    }
}
