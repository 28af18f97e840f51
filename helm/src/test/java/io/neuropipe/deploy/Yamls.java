package io.neuropipe.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Dotted-path look-ups in parsed YAML. A key may itself contain dots (label names such as
 * {@code app.kubernetes.io/component}): the longest key that matches wins.
 */
final class Yamls {

    private Yamls() {
    }

    /** The repository root (the parent POM passes it to surefire as neuropipe.root). */
    static Path root() {
        String root = System.getProperty("neuropipe.root");
        return root != null ? Path.of(root) : Path.of("..").toAbsolutePath().normalize();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) {
        try (Reader in = Files.newBufferedReader(file)) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    static Object at(Object node, String path) {
        if (path.isEmpty()) {
            return node;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return null;
        }
        for (int end = path.length(); end > 0; end = path.lastIndexOf('.', end - 1)) {
            String key = path.substring(0, end);
            if (map.containsKey(key)) {
                Object found = at(map.get(key), end == path.length() ? "" : path.substring(end + 1));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    static String string(Object node, String path) {
        Object value = at(node, path);
        return value == null ? null : value.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String path) {
        Object value = at(node, path);
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object node, String path) {
        Object value = at(node, path);
        return value instanceof List<?> ? (List<Map<String, Object>>) value : List.of();
    }
}
