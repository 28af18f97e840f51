package io.neuropipe.generator.domain;

import java.util.SplittableRandom;

/** Standard normal noise from a seed (Box-Muller over SplittableRandom): the same seed gives the same image. */
public final class SeededNoise {

    private SeededNoise() {
    }

    public static float[] gaussian(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1));
            out[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                out[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return out;
    }
}
