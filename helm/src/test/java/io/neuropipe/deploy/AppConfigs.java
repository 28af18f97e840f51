package io.neuropipe.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deployables' own Spring config files (services/NAME/src/main/resources/NAME.yml and the
 * gateway's), read so the deploy files are checked against what the apps really bind.
 */
final class AppConfigs {

    static final List<String> SERVICES = List.of("neural-encoder", "token-pruner", "llm-decoder", "image-generator");

    private AppConfigs() {
    }

    static Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> configs = new TreeMap<>();
        for (String name : SERVICES) {
            Path file = Yamls.root().resolve("services").resolve(name).resolve("src/main/resources").resolve(name + ".yml");
            if (Files.exists(file)) {
                configs.put(name, Yamls.load(file));
            }
        }
        return configs;
    }

    static Map<String, Object> gateway() {
        return Yamls.load(Yamls.root().resolve("gateway/src/main/resources/gateway.yml"));
    }

    static Object port(Map<String, Object> app) {
        return Yamls.at(app, "server.port");
    }

    /** The destination of the app's single {@code *-in-0} binding. */
    /** The step topics an app consumes, in the order its config binds them. */
    static List<String> inputDestinations(Map<String, Object> app) {
        return inputBindings(app).stream().map(b -> Yamls.string(b, "destination")).toList();
    }

    /** The one consumer group an app's step bindings share. */
    static String inputGroup(Map<String, Object> app) {
        List<String> groups = inputBindings(app).stream().map(b -> Yamls.string(b, "group")).distinct().toList();
        if (groups.size() != 1) {
            throw new AssertionError("expected one consumer group, found " + groups);
        }
        return groups.get(0);
    }

    /** Every destination and DLQ an app binds. */
    static List<String> topics(Map<String, Object> app) {
        List<String> topics = new java.util.ArrayList<>();
        Yamls.map(app, "spring.cloud.stream.bindings").values().forEach(b -> topics.add(Yamls.string(b, "destination")));
        Yamls.map(app, "spring.cloud.stream.kafka.bindings").values().forEach(b -> {
            String dlq = Yamls.string(b, "consumer.dlq-name");
            if (dlq != null) {
                topics.add(dlq);
            }
        });
        return topics;
    }

    private static List<Map<String, Object>> inputBindings(Map<String, Object> app) {
        Map<String, Object> bindings = Yamls.map(app, "spring.cloud.stream.bindings");
        List<String> inputs = bindings.keySet().stream().filter(k -> k.endsWith("-in-0")).toList();
        if (inputs.isEmpty()) {
            throw new AssertionError("expected an input binding, found none");
        }
        return inputs.stream().map(k -> Yamls.map(bindings, k)).toList();
    }
}
