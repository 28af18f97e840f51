package io.neuropipe.runtime.step;

import java.util.List;
import java.util.Map;

import io.neuropipe.proto.v1.Artifact;

/**
 * What a step produced: artifacts (added to the envelope for the next steps, reported for leaves)
 * and provenance (model versions, parameters used, measured rates).
 */
public record StepOutput(List<Artifact> artifacts, Map<String, String> provenance) {

    public StepOutput {
        artifacts = List.copyOf(artifacts);
        provenance = Map.copyOf(provenance);
    }
}
