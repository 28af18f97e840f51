package io.neuropipe.runtime.step;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Typed access to a step's string parameters; a malformed value is an {@link InvalidInputException} naming it. */
public final class StepParams {

    private final Map<String, String> values;

    private StepParams(Map<String, String> values) {
        this.values = values;
    }

    /** Job-level parameters overridden by the route node's own. */
    public static StepParams of(Map<String, String> job, Map<String, String> node) {
        Map<String, String> merged = new HashMap<>(job);
        merged.putAll(node);
        return new StepParams(Map.copyOf(merged));
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public int integer(String key, int fallback, int min, int max) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(v.trim());
            if (parsed < min || parsed > max) {
                throw new InvalidInputException("Parameter " + key + "=" + parsed + " is outside [" + min + ", " + max + "]");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("Parameter " + key + "='" + v + "' is not an integer");
        }
    }

    public double number(String key, double fallback, double min, double max) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(v.trim());
            if (!(parsed >= min && parsed <= max)) {
                throw new InvalidInputException("Parameter " + key + "=" + v + " is outside [" + min + ", " + max + "]");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("Parameter " + key + "='" + v + "' is not a number");
        }
    }

    public boolean bool(String key, boolean fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new InvalidInputException("Parameter " + key + "='" + v + "' is not a boolean");
        };
    }

    public Map<String, String> asMap() {
        return values;
    }
}
