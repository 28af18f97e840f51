package io.neuropipe.generator.domain;

import io.neuropipe.runtime.model.ModelCard;

/**
 * The noise schedule of a UNet card (linear betas) and the DDIM timesteps for a number of
 * sampling steps: round(linspace(T - 1, 0, steps)), as the model was evaluated in training.
 */
public final class DdimSchedule {

    private final double[] alphasCumprod;

    public DdimSchedule(int trainTimesteps, double betaStart, double betaEnd) {
        alphasCumprod = new double[trainTimesteps];
        double product = 1.0;
        for (int t = 0; t < trainTimesteps; t++) {
            double beta = trainTimesteps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * t / (trainTimesteps - 1);
            product *= 1.0 - beta;
            alphasCumprod[t] = product;
        }
    }

    public static DdimSchedule fromCard(ModelCard card) {
        Object schedule = card.preprocessing().getOrDefault("beta_schedule", "linear");
        if (!"linear".equals(schedule)) {
            throw new IllegalStateException("Model " + card.id() + " uses beta_schedule " + schedule + "; only linear is supported");
        }
        return new DdimSchedule((int) card.preprocessingNumber("num_train_timesteps", 1000),
            card.preprocessingNumber("beta_start", 1e-4), card.preprocessingNumber("beta_end", 0.02));
    }

    public int trainTimesteps() {
        return alphasCumprod.length;
    }

    public double alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    public int[] timesteps(int steps) {
        int[] ts = new int[steps];
        double last = alphasCumprod.length - 1;
        for (int i = 0; i < steps; i++) {
            ts[i] = steps == 1 ? (int) last : (int) Math.round(last - last * i / (steps - 1));
        }
        return ts;
    }
}
