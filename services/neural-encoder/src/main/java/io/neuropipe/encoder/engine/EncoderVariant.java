package io.neuropipe.encoder.engine;

import java.util.Locale;

import io.neuropipe.runtime.step.InvalidInputException;

/** Which encoder a request uses: the trained deep model (default) or the linear ridge baseline (param {@code model}). */
public enum EncoderVariant {
    DEEP, RIDGE;

    public static EncoderVariant parse(String s) {
        return switch (s == null ? "deep" : s.strip().toLowerCase(Locale.ROOT)) {
            case "", "deep" -> DEEP;
            case "ridge" -> RIDGE;
            default -> throw new InvalidInputException("Param 'model' must be 'deep' or 'ridge', not '" + s + "'");
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
