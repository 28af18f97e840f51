package io.neuropipe.encoder.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.neuropipe.encoder.domain.EegTrial;
import io.neuropipe.encoder.engine.EegEncoders;
import io.neuropipe.encoder.engine.EncoderVariant;
import io.neuropipe.encoder.gallery.GalleryService;
import io.neuropipe.encoder.gallery.RetrievalHit;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.tensor.Tensors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code eeg-retrieve} route (encode -> retrieve) through the service's step topics. */
class RetrievePipelineKafkaTest extends EncoderAppTest {

    @Autowired
    EegEncoders encoders;
    @Autowired
    GalleryService galleries;

    private static StepEnvelope envelope(String job, Map<String, String> retrieveParams) throws Exception {
        return envelope(job, retrieveParams, 1);
    }

    /** The first {@code trials} of the zoo's sub-01 trials: [63, 250] for one, [trials, 63, 250] for more. */
    private static StepEnvelope envelope(String job, Map<String, String> retrieveParams, int trials) throws Exception {
        float[] trial = trials(trials);
        RouteNode route = RouteNode.newBuilder().setId("encode").setStep("encode")
            .addNext(RouteNode.newBuilder().setId("retrieve").setStep("retrieve").putAllParams(retrieveParams)).build();
        return StepEnvelope.newBuilder().setJobId(job).setTenant("t").setPipeline("eeg-retrieve").setRoute(route)
            .setCurrentStepId("encode").setAttempt(1).putParams("subject", "sub-01")
            .putArtifacts("eeg", Artifact.newBuilder().setName("eeg")
                .setTensor(trials == 1 ? Tensors.ofFloats(trial, 63, 250) : Tensors.ofFloats(trial, trials, 63, 250)).build())
            .setSentEpochMs(System.currentTimeMillis()).build();
    }

    private static float[] trials(int n) throws Exception {
        ByteBuffer npy = ByteBuffer.wrap(Files.readAllBytes(MODELS.resolve("samples/eeg_sub-01_trials.npy"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] trials = new float[n * 63 * 250];
        npy.position(10 + Short.toUnsignedInt(npy.getShort(8)));
        npy.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(trials);
        return trials;
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

    @Test
    void aBatchOfEmbeddingsGetsOneHitListPerRow() throws Exception {
        int n = 3;
        try (KafkaConsumer<String, byte[]> events = consumer("neuropipe.job-events")) {
            JobEvent result = run(events, envelope(UUID.randomUUID().toString(), Map.of("k", "4"), n));
            assertThat(result.hasResult()).as(result.toString()).isTrue();
            Map<String, Artifact> artifacts = new java.util.HashMap<>();
            result.getResult().getArtifactsList().forEach(a -> artifacts.put(a.getName(), a));
            JsonNode rows = JsonMapper.builder().build().readTree(artifacts.get("retrieval").getText()).path("rows");
            assertThat(rows.size()).isEqualTo(n);
            Tensor scores = artifacts.get("retrieval_scores").getTensor();
            assertThat(Tensors.shape(scores)).containsExactly(n, 4);
            float[] all = trials(n);
            float best = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                float[] trial = java.util.Arrays.copyOfRange(all, i * 63 * 250, (i + 1) * 63 * 250);
                float[] embedding = encoders.engine(EncoderVariant.DEEP).encode(new EegTrial(trial, 0));
                List<RetrievalHit> expected = galleries.search("zoo", embedding, 4).hits();
                JsonNode hits = rows.get(i).path("hits");
                assertThat(rows.get(i).path("row").asInt()).isEqualTo(i);
                assertThat(hits.size()).isEqualTo(4);
                for (int h = 0; h < 4; h++) {
                    assertThat(hits.get(h).path("id").asLong()).as("row %d hit %d", i, h).isEqualTo(expected.get(h).entryId());
                    assertThat(Tensors.toFloats(scores)[i * 4 + h]).isCloseTo(expected.get(h).score(), within(1e-5f));
                }
                best = Math.max(best, expected.get(0).score());
            }
            assertThat(Float.parseFloat(artifacts.get("retrieved").getMetadataOrThrow("score"))).isCloseTo(best, within(1e-5f));
            assertThat(result.getResult().getProvenanceMap()).containsEntry("retrieve.rows", "3");
        }
    }
}
