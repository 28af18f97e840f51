package io.neuropipe.gateway.api;

import java.util.HashMap;
import java.util.Map;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.gateway.config.PipelinesProperties.Input;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.UnknownPipelineException;
import io.neuropipe.gateway.pipeline.PipelineCatalog;
import io.neuropipe.gateway.pipeline.PipelineSpec;
import io.neuropipe.proto.v1.Artifact;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** Reads the JSON of a job request ({@code {pipeline, inputs, params}}) into its parts. */
@Component
class JobRequestReader {

    /** A job request's pipeline, named inputs and params. */
    record Parsed(PipelineSpec pipeline, Map<String, Artifact> inputs, Map<String, String> params) {
    }

    private final PipelineCatalog pipelines;
    private final long maxTensorBytes;

    JobRequestReader(PipelineCatalog pipelines, GatewayProperties properties) {
        this.pipelines = pipelines;
        this.maxTensorBytes = properties.maxTensorBytes();
    }

    Parsed parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidInputException("", "The request body must be a JSON object {pipeline, inputs, params}");
        }
        JsonNode name = body.get("pipeline");
        if (name == null || !name.isString() || name.stringValue().isBlank()) {
            throw new InvalidInputException("pipeline", "Must name a pipeline; see GET /v1/pipelines");
        }
        PipelineSpec pipeline = pipelines.find(name.stringValue())
            .orElseThrow(() -> new UnknownPipelineException(name.stringValue()));
        return new Parsed(pipeline, inputs(pipeline, body.get("inputs")), params(body.get("params")));
    }

    private Map<String, Artifact> inputs(PipelineSpec pipeline, JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidInputException("inputs", "Must be an object of named inputs");
        }
        Map<String, Artifact> inputs = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            inputs.put(e.getKey(), ArtifactJson.parse(input(pipeline, e.getKey(), "inputs.").kind(), e.getValue(),
                "inputs." + e.getKey(), maxTensorBytes));
        }
        return inputs;
    }

    static Input input(PipelineSpec pipeline, String name, String prefix) {
        Input def = pipeline.inputs().get(name);
        if (def == null) {
            throw new InvalidInputException(prefix + name, "Pipeline '" + pipeline.name()
                + "' has no input '" + name + "'; its inputs are " + pipeline.inputs().keySet());
        }
        return def;
    }

    private static Map<String, String> params(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidInputException("params", "Must be a flat object of strings, numbers and booleans");
        }
        Map<String, String> params = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (!(v.isString() || v.isNumber() || v.isBoolean())) {
                throw new InvalidInputException("params." + e.getKey(), "Must be a string, number or boolean");
            }
            params.put(e.getKey(), v.isString() ? v.stringValue() : v.asString());
        }
        return params;
    }
}
