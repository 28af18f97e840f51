package io.neuropipe.runtime.step;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.blob.BlobCorruptException;
import io.neuropipe.runtime.blob.BlobException;
import io.neuropipe.runtime.blob.BlobMissingException;
import io.neuropipe.runtime.blob.ClaimCheck;
import io.neuropipe.runtime.cancel.CancellationToken;

/**
 * What a step receives: the envelope's artifacts, its parameters (node parameters over job
 * parameters), a sink for partial outputs, a clock for the stage timings and the job's
 * cancellation token. Artifacts that travel by claim check are read from the blob store on first
 * use, so a step sees the inline value; a missing or altered blob fails the job with a reason.
 */
public final class StepInput {

    private final StepEnvelope envelope;
    private final RouteNode node;
    private final StepParams params;
    private final PartialOutputSink partials;
    private final StageTimings timings;
    private final ClaimCheck claimCheck;
    private final CancellationToken cancellation;
    private final Map<String, Artifact> resolved = new HashMap<>();

    /** An input whose artifacts must all be inline and whose job is never cancelled (unit tests). */
    public StepInput(StepEnvelope envelope, RouteNode node, PartialOutputSink partials, StageTimings timings) {
        this(envelope, node, partials, timings, null, CancellationToken.NONE);
    }

    public StepInput(StepEnvelope envelope, RouteNode node, PartialOutputSink partials, StageTimings timings,
                     ClaimCheck claimCheck, CancellationToken cancellation) {
        this.envelope = envelope;
        this.node = node;
        this.params = StepParams.of(envelope.getParamsMap(), node.getParamsMap());
        this.partials = partials;
        this.timings = timings;
        this.claimCheck = claimCheck;
        this.cancellation = cancellation;
    }

    public String jobId() {
        return envelope.getJobId();
    }

    /** The tenant that owns the job (empty when the envelope names none). */
    public String tenant() {
        return envelope.getTenant();
    }

    public StepParams params() {
        return params;
    }

    public PartialOutputSink partials() {
        return partials;
    }

    public StageTimings timings() {
        return timings;
    }

    public RouteNode node() {
        return node;
    }

    public long deadlineEpochMs() {
        return envelope.getDeadlineEpochMs();
    }

    /** Whether the job was cancelled; long-running steps poll this (or call {@code throwIfCancelled}). */
    public CancellationToken cancellation() {
        return cancellation;
    }

    public boolean cancelled() {
        return cancellation.isCancelled();
    }

    /** The artifacts as they travel (claim-checked ones as blob references). */
    public Map<String, Artifact> artifacts() {
        return envelope.getArtifactsMap();
    }

    /** The named artifact, with a claim-checked tensor, image or text read back inline. */
    public Optional<Artifact> artifact(String name) {
        Artifact a = envelope.getArtifactsMap().get(name);
        if (a == null || !a.hasBlob()) {
            return Optional.ofNullable(a);
        }
        return Optional.of(resolved.computeIfAbsent(name, n -> read(n, a)));
    }

    /** The bytes of an artifact stored as a blob (an uploaded EDF recording or NIfTI volume, say). */
    public byte[] requireBlobBytes(String name) {
        Artifact a = envelope.getArtifactsMap().get(name);
        if (a == null || !a.hasBlob()) {
            throw new InvalidInputException("Step " + node.getStep() + " needs the artifact '" + name + "' as a stored file");
        }
        try {
            return claimCheck().bytes(a.getBlob());
        } catch (BlobException e) {
            throw failure(name, e);
        }
    }

    private Artifact read(String name, Artifact a) {
        try {
            return claimCheck().inline(a);
        } catch (BlobException e) {
            throw failure(name, e);
        }
    }

    private ClaimCheck claimCheck() {
        if (claimCheck == null) {
            throw new PermanentStepException(ErrorCode.INTERNAL, "Step " + node.getStep() + " has no blob store configured");
        }
        return claimCheck;
    }

    private StepException failure(String name, BlobException e) {
        String message = "Artifact '" + name + "': " + e.getMessage();
        if (e instanceof BlobMissingException) {
            return new InvalidInputException(ErrorCode.NOT_FOUND, message);
        }
        if (e instanceof BlobCorruptException) {
            return new InvalidInputException(message);
        }
        return new TransientStepException(message, e);
    }

    public Artifact requireArtifact(String name) {
        return artifact(name).orElseThrow(() -> new InvalidInputException(
            "Step " + node.getStep() + " needs the artifact '" + name + "' but the job has " + artifacts().keySet()));
    }

    public Tensor requireTensor(String name) {
        Artifact a = requireArtifact(name);
        if (!a.hasTensor()) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "Artifact '" + name + "' must be a tensor");
        }
        return a.getTensor();
    }
}
