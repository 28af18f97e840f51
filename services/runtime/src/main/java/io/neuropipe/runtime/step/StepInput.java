package io.neuropipe.runtime.step;

import java.util.Map;
import java.util.Optional;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.Tensor;

/**
 * What a step receives: the envelope's artifacts, its parameters (node parameters over job
 * parameters), a sink for partial outputs and a clock for the stage timings.
 */
public final class StepInput {

    private final StepEnvelope envelope;
    private final RouteNode node;
    private final StepParams params;
    private final PartialOutputSink partials;
    private final StageTimings timings;

    public StepInput(StepEnvelope envelope, RouteNode node, PartialOutputSink partials, StageTimings timings) {
        this.envelope = envelope;
        this.node = node;
        this.params = StepParams.of(envelope.getParamsMap(), node.getParamsMap());
        this.partials = partials;
        this.timings = timings;
    }

    public String jobId() {
        return envelope.getJobId();
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

    public Map<String, Artifact> artifacts() {
        return envelope.getArtifactsMap();
    }

    public Optional<Artifact> artifact(String name) {
        return Optional.ofNullable(envelope.getArtifactsMap().get(name));
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
