package io.neuropipe.gateway.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.neuropipe.proto.v1.RouteNode;

/** A row of the {@code jobs} table. */
public record JobRow(UUID id, String tenant, String requestId, String pipeline, JobState state, RouteNode route,
                     List<String> leafIds, Map<String, String> params, String traceparent, String errorCode,
                     String errorMessage, Instant created, Instant updated, Instant finished, Instant deadline) {

    public JobRow {
        leafIds = List.copyOf(leafIds);
        params = Map.copyOf(params);
    }
}
