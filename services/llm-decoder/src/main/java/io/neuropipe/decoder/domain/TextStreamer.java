package io.neuropipe.decoder.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Turns generated token ids into text deltas: the whole sequence is decoded each time (so merged
 * pieces and leading spaces come out right) and only the new suffix is emitted.
 */
public final class TextStreamer {

    private final Function<long[], String> decoder;
    private final List<Long> tokens = new ArrayList<>();
    private String text = "";

    public TextStreamer(Function<long[], String> decoder) {
        this.decoder = decoder;
    }

    /** Adds a token and returns the text it added (possibly empty). */
    public String add(long token) {
        tokens.add(token);
        long[] ids = tokens.stream().mapToLong(Long::longValue).toArray();
        String full = decoder.apply(ids);
        String delta = full.startsWith(text) ? full.substring(text.length()) : full;
        text = full;
        return delta;
    }

    public String text() {
        return text;
    }
}
