package io.neuropipe.decoder.bench;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Primary-shape attributes of a NeuroShapes caption: "a {size} {colour} {shape} {position phrase} ...". */
final class CaptionScore {

    private static final Pattern TRIPLE = Pattern.compile("\\b(small|large) (\\w+) (\\w+)\\b ?(on the left|on the right|at the top"
        + "|at the bottom|in the center|left of|right of|above|below)?");
    private static final Map<String, String> POSITION = Map.of("on the left", "left", "on the right", "right", "at the top", "top",
        "at the bottom", "bottom", "in the center", "center", "left of", "left", "right of", "right", "above", "top", "below", "bottom");

    private CaptionScore() {
    }

    /** Size, colour, shape, position of the first shape; empty strings where the caption does not say. */
    static String[] attributes(String caption) {
        Matcher m = TRIPLE.matcher(caption);
        if (!m.find()) {
            return new String[] {"", "", "", ""};
        }
        return new String[] {m.group(1), m.group(2), m.group(3), m.group(4) == null ? "" : POSITION.get(m.group(4))};
    }

    /** Share of the four attributes of {@code predicted} that match {@code reference}. */
    static double accuracy(String predicted, String reference) {
        String[] p = attributes(predicted);
        String[] r = attributes(reference);
        int hits = 0;
        for (int i = 0; i < 4; i++) {
            hits += p[i].equals(r[i]) && !r[i].isEmpty() ? 1 : 0;
        }
        return hits / 4.0;
    }
}
