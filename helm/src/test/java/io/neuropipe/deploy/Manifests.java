package io.neuropipe.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Kubernetes manifests parsed from {@code helm template} output, with the look-ups the chart tests need. */
record Manifests(List<Map<String, Object>> documents) {

    @SuppressWarnings("unchecked")
    static Manifests parse(String rendered) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(rendered)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return new Manifests(docs);
    }

    Stream<Map<String, Object>> ofKind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind")));
    }

    Map<String, Object> get(String kind, String name) {
        return ofKind(kind).filter(d -> name.equals(Yamls.string(d, "metadata.name")))
            .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + names()));
    }

    List<String> names(String kind) {
        return ofKind(kind).map(d -> Yamls.string(d, "metadata.name")).toList();
    }

    List<String> names() {
        return documents.stream().map(d -> d.get("kind") + "/" + Yamls.string(d, "metadata.name")).toList();
    }

    /** The pod spec of a Deployment. */
    static Map<String, Object> podSpec(Map<String, Object> deployment) {
        return Yamls.map(deployment, "spec.template.spec");
    }

    /** All containers of a Deployment, init containers included. */
    static List<Map<String, Object>> allContainers(Map<String, Object> deployment) {
        Map<String, Object> pod = podSpec(deployment);
        return Stream.concat(Yamls.list(pod, "initContainers").stream(), Yamls.list(pod, "containers").stream())
            .toList();
    }

    /** The application container (named like its component). */
    static Map<String, Object> appContainer(Map<String, Object> deployment) {
        String component = Yamls.string(deployment, "metadata.labels.app.kubernetes.io/component");
        return Yamls.list(podSpec(deployment), "containers").stream()
            .filter(c -> Objects.equals(c.get("name"), component))
            .findFirst().orElseThrow(() -> new AssertionError("no container " + component));
    }

    /** A container's literal environment (valueFrom entries map to null). */
    static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (Map<String, Object> e : Yamls.list(container, "env")) {
            env.put((String) e.get("name"), e.get("value") == null ? null : e.get("value").toString());
        }
        return env;
    }
}
