package io.neuropipe.runtime.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.BlobRef;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.blob.ClaimCheck;
import io.neuropipe.runtime.blob.GatewaySchema;
import io.neuropipe.runtime.blob.PostgresBlobStore;
import io.neuropipe.runtime.cancel.CancellationToken;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A step reads claim-checked artifacts from a real PostgreSQL as if they were inline. */
class StepInputBlobTest {

    private static final RouteNode NODE = RouteNode.newBuilder().setId("s").setStep("s").build();
    private static ClaimCheck claimCheck;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void store() {
        var ds = GatewaySchema.dataSource(GatewaySchema.create());
        claimCheck = new ClaimCheck(new PostgresBlobStore(ds), 1024);
        jdbc = new JdbcTemplate(ds);
    }

    private static StepInput input(String job, Artifact... artifacts) {
        StepEnvelope.Builder envelope = StepEnvelope.newBuilder().setJobId(job).setRoute(NODE).setCurrentStepId("s");
        for (Artifact a : artifacts) {
            envelope.putArtifacts(a.getName(), a);
        }
        return new StepInput(envelope.build(), NODE, PartialOutputSink.NONE, new StageTimings(), claimCheck, CancellationToken.NONE);
    }

    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.5f;
        }
        return x;
    }

    @Test
    void aLargeTensorTravelsAsAReferenceAndIsReadBackInline() {
        String job = UUID.randomUUID().toString();
        float[] x = ramp(4096);
        Artifact big = claimCheck.offload(job, Artifact.newBuilder().setName("x").setTensor(Tensors.ofFloats(x, 64, 64))
            .putMetadata("model", "m/1").build());
        Artifact small = claimCheck.offload(job, Artifact.newBuilder().setName("y").setTensor(Tensors.ofFloats(ramp(4), 4)).build());
        assertThat(big.hasBlob()).isTrue();
        assertThat(big.getBlob().getMediaType()).isEqualTo(ClaimCheck.TENSOR);
        assertThat(big.getSerializedSize()).isLessThan(300);
        assertThat(big.getMetadataMap()).containsEntry("model", "m/1");
        assertThat(small.hasTensor()).isTrue();

        StepInput input = input(job, big, small);
        assertThat(Tensors.toFloats(input.requireTensor("x"))).containsExactly(x);
        assertThat(Tensors.shape(input.requireTensor("x"))).containsExactly(64, 64);
        assertThat(input.requireArtifact("x").getMetadataMap()).containsEntry("model", "m/1");
        assertThat(input.artifacts().get("x").hasBlob()).isTrue();
        assertThat(Tensors.toFloats(input.requireTensor("y"))).containsExactly(ramp(4));
    }

    @Test
    void anUploadedFileIsReadAsBytes() {
        String job = UUID.randomUUID().toString();
        byte[] edf = ("0       EDF header " + job).getBytes();
        BlobRef ref = claimCheck.store().put(job, "application/x-edf", edf);
        StepInput input = input(job, Artifact.newBuilder().setName("eeg").setBlob(ref).build());
        assertThat(input.requireBlobBytes("eeg")).isEqualTo(edf);
        assertThat(input.requireArtifact("eeg").getBlob()).isEqualTo(ref);
    }

    @Test
    void aDeletedBlobFailsTheStepWithNotFound() {
        String job = UUID.randomUUID().toString();
        Artifact big = claimCheck.offload(job, Artifact.newBuilder().setName("x").setTensor(Tensors.ofFloats(ramp(1000), 1000)).build());
        claimCheck.store().deleteJob(job);
        assertThatThrownBy(() -> input(job, big).requireTensor("x"))
            .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
            .hasMessageContaining("Artifact 'x'").hasMessageContaining("does not exist");
    }

    @Test
    void aBlobWhoseBytesChangedFailsTheStepWithInvalidInput() {
        String job = UUID.randomUUID().toString();
        Artifact big = claimCheck.offload(job, Artifact.newBuilder().setName("x").setTensor(Tensors.ofFloats(ramp(1000), 1000)).build());
        jdbc.update("UPDATE blobs SET content = overlay(content placing '\\x00'::bytea from 20 for 1) WHERE sha256 = ?",
            big.getBlob().getSha256());
        assertThatThrownBy(() -> input(job, big).requireTensor("x"))
            .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
            .hasMessageContaining("Artifact 'x'").hasMessageContaining("but its reference says " + big.getBlob().getSha256());
    }

    @Test
    void withoutABlobStoreAReferenceIsAClearFailure() {
        Artifact ref = Artifact.newBuilder().setName("x").setBlob(BlobRef.newBuilder().setUri("pg://blobs/" + "0".repeat(64))
            .setMediaType(ClaimCheck.TENSOR)).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(NODE).putArtifacts("x", ref).build();
        StepInput input = new StepInput(envelope, NODE, PartialOutputSink.NONE, new StageTimings());
        assertThatThrownBy(() -> input.requireTensor("x")).isInstanceOf(PermanentStepException.class)
            .hasMessageContaining("no blob store");
    }
}
