package io.neuropipe.decoder.domain;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Temperature, top-k and top-p (nucleus) sampling with a seeded generator: the same seed and
 * logits give the same tokens.
 */
public final class StochasticSampler implements Sampler {

    private final double temperature;
    private final int topK;
    private final double topP;
    private final SplittableRandom random;

    public StochasticSampler(double temperature, int topK, double topP, long seed) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0 for sampling; use greedy for 0");
        }
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int next(float[] logits) {
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int keep = topK > 0 ? Math.min(topK, n) : n;
        double max = logits[order[0]] / temperature;
        double[] probs = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            probs[i] = Math.exp(logits[order[i]] / temperature - max);
            sum += probs[i];
        }
        double cumulative = 0;
        int cut = keep;
        for (int i = 0; i < keep; i++) {
            cumulative += probs[i] / sum;
            if (cumulative >= topP) {
                cut = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < cut; i++) {
            total += probs[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < cut; i++) {
            r -= probs[i];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[cut - 1];
    }
}
