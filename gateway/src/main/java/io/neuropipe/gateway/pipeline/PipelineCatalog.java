package io.neuropipe.gateway.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.neuropipe.gateway.config.PipelinesProperties;
import io.neuropipe.gateway.config.PipelinesProperties.Input;
import io.neuropipe.gateway.config.PipelinesProperties.InputKind;
import io.neuropipe.gateway.config.PipelinesProperties.Node;
import io.neuropipe.proto.v1.RouteNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The declared pipelines, checked once at start-up; a bad declaration fails start-up naming its key. */
@Component
public class PipelineCatalog {

    private static final Logger log = LoggerFactory.getLogger(PipelineCatalog.class);

    private final Map<String, PipelineSpec> pipelines = new TreeMap<>();

    public PipelineCatalog(PipelinesProperties properties, ModelCards cards) {
        properties.pipelines().forEach((name, p) -> pipelines.put(name, compile(name, p, cards)));
        log.info("Pipelines: {}", pipelines.keySet());
    }

    public Optional<PipelineSpec> find(String name) {
        return Optional.ofNullable(name).map(pipelines::get);
    }

    public Collection<PipelineSpec> all() {
        return pipelines.values();
    }

    private static PipelineSpec compile(String name, PipelinesProperties.Pipeline p, ModelCards cards) {
        String key = "neuropipe.pipelines." + name;
        p.inputs().forEach((input, def) -> checkInput(key + ".inputs." + input, input, def, cards));
        List<String> leaves = new ArrayList<>();
        RouteNode route = toRoute(p.route(), key + ".route", new HashSet<>(), leaves);
        return new PipelineSpec(name, p.description(), p.inputs(), route, leaves);
    }

    private static void checkInput(String key, String input, Input def, ModelCards cards) {
        if (def.kind() != InputKind.TENSOR) {
            return;
        }
        if (def.model() == null || def.model().isBlank()) {
            // e.g. fMRI: the voxel count depends on the subject, which only the encoder knows
            log.info("{}: no model named; the tensor's shape and dtype are checked by the service only", key);
            return;
        }
        String role = roleOf(input, def);
        cards.newest(def.model()).ifPresentOrElse(
            card -> {
                if (card.input(role).isEmpty()) {
                    throw new IllegalStateException(key + ".role=" + role + ": model " + card.id()
                        + " has no input with that role");
                }
            },
            () -> log.warn("{}: no card for model '{}' under {}; its shape and dtype are checked by the service only",
                key, def.model(), cards.repository()));
    }

    static String roleOf(String input, Input def) {
        return def.role() == null || def.role().isBlank() ? input : def.role();
    }

    private static RouteNode toRoute(Node node, String key, Set<String> ids, List<String> leaves) {
        String id = node.nodeId();
        if (!ids.add(id)) {
            throw new IllegalStateException(key + ".id=" + id + ": node ids must be unique within a route");
        }
        RouteNode.Builder b = RouteNode.newBuilder().setId(id).setStep(node.step()).putAllParams(node.params());
        for (int i = 0; i < node.next().size(); i++) {
            b.addNext(toRoute(node.next().get(i), key + ".next[" + i + "]", ids, leaves));
        }
        if (node.next().isEmpty()) {
            leaves.add(id);
        }
        return b.build();
    }
}
