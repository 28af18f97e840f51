package io.neuropipe.decoder.domain;

import java.util.List;

/** Stop-string matching on the text generated so far. */
public final class StopStrings {

    private StopStrings() {
    }

    /** The first stop string (in request order) that the text contains, or null. */
    public static String firstIn(String text, List<String> stops) {
        for (String s : stops) {
            if (!s.isEmpty() && text.contains(s)) {
                return s;
            }
        }
        return null;
    }
}
