package io.neuropipe.generator.domain;

/** One deterministic DDIM update (eta = 0) with the predicted clean sample clipped to [-1, 1]. */
public final class DdimStep {

    private DdimStep() {
    }

    /**
     * Moves {@code x} from timestep alpha {@code aT} to {@code aPrev} in place, given the guided noise
     * prediction {@code eps}.
     */
    public static void apply(float[] x, float[] eps, double aT, double aPrev) {
        double sqrtA = Math.sqrt(aT);
        double sqrt1mA = Math.sqrt(1 - aT);
        double sqrtPrev = Math.sqrt(aPrev);
        double sqrt1mPrev = Math.sqrt(1 - aPrev);
        for (int i = 0; i < x.length; i++) {
            double x0 = (x[i] - sqrt1mA * eps[i]) / sqrtA;
            x0 = Math.max(-1, Math.min(1, x0));
            double e = (x[i] - sqrtA * x0) / sqrt1mA;
            x[i] = (float) (sqrtPrev * x0 + sqrt1mPrev * e);
        }
    }

    /** Classifier-free guidance: uncond + g * (cond - uncond), written into {@code cond}. */
    public static void guide(float[] cond, float[] uncond, double guidance) {
        for (int i = 0; i < cond.length; i++) {
            cond[i] = (float) (uncond[i] + guidance * (cond[i] - uncond[i]));
        }
    }

    /** Prior noise injection (Faster Diffusion): {@code x += scale * zT}, in place. */
    public static void injectPrior(float[] x, float[] zT, double scale) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (x[i] + scale * zT[i]);
        }
    }
}
