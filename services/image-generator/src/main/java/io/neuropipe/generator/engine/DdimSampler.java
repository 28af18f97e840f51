package io.neuropipe.generator.engine;

import java.util.Arrays;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import io.neuropipe.generator.domain.DdimSchedule;
import io.neuropipe.generator.domain.DdimStep;
import io.neuropipe.generator.domain.SeededNoise;
import io.neuropipe.runtime.model.InferenceScope;
import org.springframework.stereotype.Component;

/**
 * DDIM (eta = 0) with classifier-free guidance: the conditional and the null-condition passes run
 * as one batch of two at every step.
 */
@Component
public class DdimSampler {

    private final UnetEngine unet;

    public DdimSampler(UnetEngine unet) {
        this.unet = unet;
    }

    /** A CHW image in [-1, 1]. */
    public float[] sample(float[] condition, int steps, double guidance, long seed) {
        DdimSchedule schedule = DdimSchedule.fromCard(unet.encoderCard());
        int size = (int) unet.encoderCard().preprocessingNumber("image_size", 32);
        int n = 3 * size * size;
        float[] x = SeededNoise.gaussian(seed, n);
        float[] cond2 = new float[2 * condition.length];
        System.arraycopy(condition, 0, cond2, 0, condition.length);
        int[] ts = schedule.timesteps(steps);
        float[] batchX = new float[2 * n];
        float[] t2 = new float[2];
        for (int i = 0; i < ts.length; i++) {
            System.arraycopy(x, 0, batchX, 0, n);
            System.arraycopy(x, 0, batchX, n, n);
            Arrays.fill(t2, ts[i]);
            float[] eps2;
            try (InferenceScope scope = unet.encoderModel().scope()) {
                Map<String, OnnxTensor> features = unet.encode(scope, batchX, t2, cond2, 2, size);
                eps2 = unet.decode(scope, features, t2, cond2, 2);
            }
            float[] eps = Arrays.copyOfRange(eps2, 0, n);
            DdimStep.guide(eps, Arrays.copyOfRange(eps2, n, 2 * n), guidance);
            double aT = schedule.alphaCumprod(ts[i]);
            double aPrev = i + 1 < ts.length ? schedule.alphaCumprod(ts[i + 1]) : 1.0;
            DdimStep.apply(x, eps, aT, aPrev);
        }
        for (int i = 0; i < n; i++) {
            x[i] = Math.max(-1f, Math.min(1f, x[i]));
        }
        return x;
    }
}
