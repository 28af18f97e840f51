package io.neuropipe.gateway.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.neuropipe.gateway.config.PipelinesProperties.Input;
import io.neuropipe.gateway.config.PipelinesProperties.InputKind;
import io.neuropipe.gateway.pipeline.ModelCards;
import io.neuropipe.gateway.pipeline.PipelineCatalog;
import io.neuropipe.gateway.pipeline.PipelineSpec;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.runtime.model.TensorSpec;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/pipelines}: the declared pipelines, their inputs (with the shapes the models expect) and routes. */
@RestController
@RequestMapping("/v1/pipelines")
class PipelineController {

    record Listing(List<Pipeline> pipelines) {
    }

    record Pipeline(String name, String description, Map<String, InputView> inputs, Node route) {
    }

    /** An input; for tensors, the datatype and per-example shape of the model's current card (null when unknown). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InputView(String kind, boolean required, String model, String role, String datatype, List<Long> shape) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Node(String id, String step, Map<String, String> params, List<Node> next) {

        static Node of(RouteNode n) {
            return new Node(n.getId(), n.getStep(), n.getParamsMap(), n.getNextList().stream().map(Node::of).toList());
        }
    }

    private final PipelineCatalog pipelines;
    private final ModelCards cards;

    PipelineController(PipelineCatalog pipelines, ModelCards cards) {
        this.pipelines = pipelines;
        this.cards = cards;
    }

    @GetMapping
    Listing list() {
        return new Listing(pipelines.all().stream().map(this::view).toList());
    }

    private Pipeline view(PipelineSpec p) {
        Map<String, InputView> inputs = new LinkedHashMap<>();
        p.inputs().entrySet().stream().sorted(Map.Entry.comparingByKey())
            .forEach(e -> inputs.put(e.getKey(), input(e.getKey(), e.getValue())));
        return new Pipeline(p.name(), p.description(), inputs, Node.of(p.route()));
    }

    private InputView input(String name, Input def) {
        String kind = def.kind().name().toLowerCase(java.util.Locale.ROOT);
        if (def.kind() != InputKind.TENSOR) {
            return new InputView(kind, def.required(), null, null, null, null);
        }
        String role = def.role() == null || def.role().isBlank() ? name : def.role();
        TensorSpec spec = def.model() == null || def.model().isBlank() ? null
            : cards.newest(def.model()).flatMap(c -> c.input(role)).orElse(null);
        return new InputView(kind, def.required(), def.model(), role, spec == null ? null : spec.dtype().name(),
            spec == null ? null : spec.exampleShape());
    }
}
