package io.neuropipe.gateway.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.StepTiming;

/** A row of the {@code step_results} table: what one route node reported. */
public record StepRow(String stepId, String step, String status, String service, StepTiming timing,
                      Map<String, String> provenance, List<Artifact> artifacts, String errorCode,
                      String errorMessage, Instant emitted, Instant received) {

    public StepRow {
        provenance = Map.copyOf(provenance);
        artifacts = List.copyOf(artifacts);
    }
}
