package io.neuropipe.generator.engine;

import io.neuropipe.generator.domain.SamplingPlan;

/**
 * One generation.
 *
 * @param condition embedding [conditionDim]; the null condition is zeros
 * @param noise     initial latents z_T [3, size, size]
 * @param guidance  classifier-free guidance scale
 * @param plan      timesteps, key steps and decoder batching
 */
public record SampleRequest(float[] condition, float[] noise, double guidance, SamplingPlan plan) {
}
