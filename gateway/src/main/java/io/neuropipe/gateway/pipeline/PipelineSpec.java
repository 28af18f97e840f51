package io.neuropipe.gateway.pipeline;

import java.util.List;
import java.util.Map;

import io.neuropipe.gateway.config.PipelinesProperties.Input;
import io.neuropipe.proto.v1.RouteNode;

/**
 * A declared pipeline, ready to start jobs from.
 *
 * @param name        pipeline name
 * @param description one line for listings
 * @param inputs      declared inputs by name
 * @param route       the route as it travels in envelopes
 * @param leafIds     ids of the route's leaves; a job is done when each reported a result
 */
public record PipelineSpec(String name, String description, Map<String, Input> inputs, RouteNode route,
                           List<String> leafIds) {

    public PipelineSpec {
        inputs = Map.copyOf(inputs);
        leafIds = List.copyOf(leafIds);
    }
}
