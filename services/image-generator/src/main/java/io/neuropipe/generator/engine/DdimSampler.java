package io.neuropipe.generator.engine;

import java.util.Arrays;

import io.neuropipe.generator.domain.DdimSchedule;
import io.neuropipe.generator.domain.DdimStep;
import io.neuropipe.generator.domain.SamplingPlan;
import io.neuropipe.runtime.cancel.CancellationToken;

/**
 * DDIM (eta = 0) with classifier-free guidance (conditional and null-condition rows in one batch)
 * and Faster Diffusion encoder propagation: the encoder runs at the plan's key steps only and every
 * other step decodes the cached features of the latest key step with its own timestep. In parallel
 * mode the decoder passes of a key step and its following non-key steps run as one batch; this is
 * exact, because the decoder never sees the latents, only the cached features, so the DDIM updates
 * applied in order afterwards produce what the sequential loop produces.
 */
public final class DdimSampler {

    private final UnetRunner unet;

    public DdimSampler(UnetRunner unet) {
        this.unet = unet;
    }

    public SampleResult sample(SampleRequest request) {
        return sample(request, CancellationToken.NONE);
    }

    /** As {@link #sample(SampleRequest)}, stopping before the next UNet call once the job is cancelled. */
    public SampleResult sample(SampleRequest request, CancellationToken cancellation) {
        UnetSpec spec = unet.spec();
        DdimSchedule schedule = spec.schedule();
        SamplingPlan plan = request.plan();
        int[] ts = plan.timesteps();
        int n = request.noise().length;
        int dim = request.condition().length;
        float[] x = request.noise().clone();
        float[] cond2 = Arrays.copyOf(request.condition(), 2 * dim);
        Features features = null;
        int encoderCalls = 0;
        int decoderCalls = 0;
        for (int[] call : plan.decoderCalls()) {
            int start = call[0];
            int m = call[1] - start;
            cancellation.throwIfCancelled();
            if (call[2] == 1 || features == null) {
                float[] x2 = Arrays.copyOf(x, 2 * n);
                System.arraycopy(x, 0, x2, n, n);
                features = unet.encode(new EncoderCall(x2, new float[] {ts[start], ts[start]}, cond2));
                encoderCalls++;
            }
            float[] t = new float[2 * m];
            float[] c = new float[2 * m * dim];
            for (int j = 0; j < m; j++) {
                t[2 * j] = ts[start + j];
                t[2 * j + 1] = ts[start + j];
                System.arraycopy(cond2, 0, c, 2 * j * dim, 2 * dim);
            }
            float[] eps = unet.decode(new DecoderCall(features, t, c));
            decoderCalls++;
            for (int j = 0; j < m; j++) {
                int i = start + j;
                float[] guided = Arrays.copyOfRange(eps, 2 * j * n, (2 * j + 1) * n);
                DdimStep.guide(guided, Arrays.copyOfRange(eps, (2 * j + 1) * n, (2 * j + 2) * n), request.guidance());
                double aPrev = i + 1 < ts.length ? schedule.alphaCumprod(ts[i + 1]) : 1.0;
                DdimStep.apply(x, guided, schedule.alphaCumprod(ts[i]), aPrev);
                if (ts[i] < plan.injectBelowT()) {
                    DdimStep.injectPrior(x, request.noise(), plan.injectScale());
                }
            }
        }
        for (int i = 0; i < n; i++) {
            x[i] = Math.max(-1f, Math.min(1f, x[i]));
        }
        return new SampleResult(x, encoderCalls, decoderCalls);
    }
}
