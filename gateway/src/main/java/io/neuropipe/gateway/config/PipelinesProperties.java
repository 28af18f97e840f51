package io.neuropipe.gateway.config;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Named pipelines ({@code neuropipe.pipelines.<name>.*}): what a job must carry and the route of
 * steps it takes. Listed at {@code GET /v1/pipelines}.
 *
 * @param pipelines the pipelines by name
 */
@Validated
@ConfigurationProperties("neuropipe")
public record PipelinesProperties(@Valid @NotNull @DefaultValue Map<String, Pipeline> pipelines) {

    /**
     * One pipeline.
     *
     * @param description one line shown in the pipeline listing
     * @param inputs      the inputs a job carries, by name
     * @param route       the root step; its {@code next} nodes fan out
     */
    public record Pipeline(
            @DefaultValue("") String description,
            @Valid @NotNull @DefaultValue Map<String, Input> inputs,
            @Valid @NotNull Node route) {
    }

    /**
     * One named input of a pipeline.
     *
     * @param kind     tensor, text or image
     * @param model    for tensors: the model whose card the tensor is checked against; unset = checked by the service only
     * @param role     for tensors: the role of the card input it feeds (default: the input's name)
     * @param required whether a job must carry it
     */
    public record Input(
            @NotNull InputKind kind,
            String model,
            String role,
            @DefaultValue("true") boolean required) {
    }

    /** Kind of value an input carries; decides how its JSON is read. */
    public enum InputKind {
        /** {@code {"datatype":"FP32","shape":[...],"data":[...]}} as in OIP v2. */
        TENSOR,
        /** A JSON string. */
        TEXT,
        /** {@code {"contentType":"image/png","base64":"..."}} (or {@code image/jpeg}). */
        IMAGE
    }

    /**
     * One node of a route.
     *
     * @param id     node id, unique in the route (default: the step name)
     * @param step   the step to run; its input topic is {@code <step-prefix><step>}
     * @param params parameters for this step only, overriding job parameters of the same name
     * @param next   nodes that consume this step's output (fan-out); none for a leaf
     */
    public record Node(
            String id,
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9._-]*") String step,
            @NotNull @DefaultValue Map<String, String> params,
            @Valid @NotNull @DefaultValue List<Node> next) {

        public String nodeId() {
            return id == null || id.isBlank() ? step : id;
        }
    }
}
