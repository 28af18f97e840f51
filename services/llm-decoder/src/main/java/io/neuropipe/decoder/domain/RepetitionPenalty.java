package io.neuropipe.decoder.domain;

import java.util.List;

/** CTRL-style repetition penalty: logits of tokens already generated are divided (positive) or multiplied (negative) by it. */
public final class RepetitionPenalty {

    private RepetitionPenalty() {
    }

    public static void apply(float[] logits, List<Integer> generated, double penalty) {
        if (penalty == 1.0) {
            return;
        }
        boolean[] seen = new boolean[logits.length];
        for (int token : generated) {
            if (!seen[token]) {
                seen[token] = true;
                logits[token] = (float) (logits[token] > 0 ? logits[token] / penalty : logits[token] * penalty);
            }
        }
    }
}
