package io.neuropipe.encoder.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.tensor.Tensors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code eeg-retrieve} route (encode -> retrieve) through the service's step topics. */
class RetrievePipelineKafkaTest extends EncoderAppTest {

    private static StepEnvelope envelope(String job, Map<String, String> retrieveParams) throws Exception {
        ByteBuffer npy = ByteBuffer.wrap(Files.readAllBytes(MODELS.resolve("samples/eeg_sub-01_trials.npy"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] trial = new float[63 * 250];
        npy.position(10 + Short.toUnsignedInt(npy.getShort(8)));
        npy.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(trial);
        RouteNode route = RouteNode.newBuilder().setId("encode").setStep("encode")
            .addNext(RouteNode.newBuilder().setId("retrieve").setStep("retrieve").putAllParams(retrieveParams)).build();
        return StepEnvelope.newBuilder().setJobId(job).setTenant("t").setPipeline("eeg-retrieve").setRoute(route)
            .setCurrentStepId("encode").setAttempt(1).putParams("subject", "sub-01")
            .putArtifacts("eeg", Artifact.newBuilder().setName("eeg").setTensor(Tensors.ofFloats(trial, 63, 250)).build())
            .setSentEpochMs(System.currentTimeMillis()).build();
    }

    private static JobEvent run(KafkaConsumer<String, byte[]> events, StepEnvelope envelope) throws Exception {
        try (KafkaProducer<String, byte[]> p = producer()) {
            p.send(new ProducerRecord<>("neuropipe.step.encode", envelope.getJobId(), envelope.toByteArray())).get();
        }
        return JobEvent.parseFrom(await(events, r -> {
            try {
                JobEvent e = JobEvent.parseFrom(r.value());
                return envelope.getJobId().equals(r.key()) && e.getStep().equals("retrieve");
            } catch (Exception ex) {
                return false;
            }
        }, 1, Duration.ofSeconds(120)).get(0).value());
    }

    @Test
    void anEegTrialIsEncodedAndRetrievedFromTheZooGallery() throws Exception {
        String job = UUID.randomUUID().toString();
        try (KafkaConsumer<String, byte[]> events = consumer("neuropipe.job-events")) {
            JobEvent result = run(events, envelope(job, Map.of("k", "3")));
            assertThat(result.hasResult()).as(result.toString()).isTrue();
            assertThat(result.getResult().getLeaf()).isTrue();
            Map<String, Artifact> artifacts = new java.util.HashMap<>();
            result.getResult().getArtifactsList().forEach(a -> artifacts.put(a.getName(), a));
            JsonNode retrieval = JsonMapper.builder().build().readTree(artifacts.get("retrieval").getText());
            assertThat(retrieval.path("gallery").asString()).isEqualTo("zoo");
            assertThat(retrieval.path("hits").size()).isEqualTo(3);
            assertThat(retrieval.path("hits").get(0).path("thumbnail").asString()).startsWith("/v1/galleries/zoo/entries/");
            float[] scores = Tensors.toFloats(artifacts.get("retrieval_scores").getTensor());
            assertThat(scores).hasSize(3);
            assertThat(scores[0]).isGreaterThanOrEqualTo(scores[1]);
            assertThat(artifacts.get("retrieved").getPng().toByteArray()).startsWith(0x89, 'P', 'N', 'G');
            assertThat(result.getResult().getProvenanceMap()).containsEntry("retrieve.gallery", "zoo").containsEntry("retrieve.k", "3");
        }
    }

    @Test
    void anUnknownGalleryOrABadKFailsTheJobWithAReason() throws Exception {
        try (KafkaConsumer<String, byte[]> events = consumer("neuropipe.job-events")) {
            JobEvent unknown = run(events, envelope(UUID.randomUUID().toString(), Map.of("gallery", "nope")));
            assertThat(unknown.getFailure().getCode()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(unknown.getFailure().getMessage()).contains("No gallery 'nope'");
            JobEvent badK = run(events, envelope(UUID.randomUUID().toString(), Map.of("k", "0")));
            assertThat(badK.getFailure().getCode()).isEqualTo(ErrorCode.INVALID_INPUT);
            assertThat(badK.getFailure().getMessage()).contains("k=0 is outside [1, 100]");
        }
    }
}
