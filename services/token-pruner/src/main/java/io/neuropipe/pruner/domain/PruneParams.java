package io.neuropipe.pruner.domain;

import java.util.Locale;
import java.util.Optional;

import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepParams;

/** Parameter parsing shared by the strategies; every error names the parameter. */
public final class PruneParams {

    private PruneParams() {
    }

    /** Kept share of the tokens, in (0, 1]. */
    public static double ratio(StepParams params, String key, double fallback) {
        return optionalRatio(params, key).orElse(fallback);
    }

    public static Optional<Double> optionalRatio(StepParams params, String key) {
        return params.get(key).map(v -> {
            double r = finite(key, v);
            if (!(r > 0 && r <= 1)) {
                throw new InvalidInputException("Parameter " + key + "=" + v.trim() + " must be in (0, 1]");
            }
            return r;
        });
    }

    /** A finite number in [min, max]; NaN and infinities are rejected. */
    public static double number(StepParams params, String key, double fallback, double min, double max) {
        return params.get(key).map(v -> {
            double x = finite(key, v);
            if (x < min || x > max) {
                throw new InvalidInputException("Parameter " + key + "=" + v.trim() + " must be in [" + min + ", " + max + "]");
            }
            return x;
        }).orElse(fallback);
    }

    /** A 64-bit integer (a seed). */
    public static long longValue(StepParams params, String key, long fallback) {
        return params.get(key).map(v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("Parameter " + key + "='" + v + "' is not an integer");
            }
        }).orElse(fallback);
    }

    /** ceil(ratio * n), at least 1 and at most n (a hair of slack so 0.3 * 10 is 3, not 4). */
    public static int keepCount(double ratio, int n) {
        return Math.max(1, Math.min(n, (int) Math.ceil(ratio * n - 1e-9)));
    }

    public static String format(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }

    private static double finite(String key, String v) {
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("Parameter " + key + "='" + v + "' is not a number");
        }
        if (!Double.isFinite(x)) {
            throw new InvalidInputException("Parameter " + key + "=" + v.trim() + " must be a finite number");
        }
        return x;
    }
}
