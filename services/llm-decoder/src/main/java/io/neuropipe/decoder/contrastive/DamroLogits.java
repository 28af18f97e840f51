package io.neuropipe.decoder.contrastive;

/**
 * DAMRO's contrastive logits: {@code (1 + a) * full - a * outliers}, with the plausibility cut of contrastive
 * decoding — a token whose full logit is below {@code log(beta) + max(full)} (probability under beta times the
 * top one's) gets negative infinity, so the contrast can never promote an implausible token.
 */
public final class DamroLogits {

    private DamroLogits() {
    }

    public static void combine(float[] full, float[] outliers, double alpha, double beta, float[] out) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : full) {
            max = Math.max(max, v);
        }
        double cut = max + Math.log(beta);
        for (int v = 0; v < full.length; v++) {
            out[v] = full[v] < cut ? Float.NEGATIVE_INFINITY : (float) ((1 + alpha) * full[v] - alpha * outliers[v]);
        }
    }
}
