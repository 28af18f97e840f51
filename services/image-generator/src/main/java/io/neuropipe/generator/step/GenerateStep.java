package io.neuropipe.generator.step;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.generator.config.GeneratorProperties;
import io.neuropipe.generator.domain.PngWriter;
import io.neuropipe.generator.domain.PropagationSchedule;
import io.neuropipe.generator.domain.PropagationSchedules;
import io.neuropipe.generator.domain.SamplingPlan;
import io.neuropipe.generator.domain.SeededNoise;
import io.neuropipe.generator.engine.DdimSampler;
import io.neuropipe.generator.engine.SampleRequest;
import io.neuropipe.generator.engine.SampleResult;
import io.neuropipe.generator.engine.UnetRunner;
import io.neuropipe.generator.engine.UnetSpec;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.step.StepParams;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Step {@code generate}: artifact {@code embedding} [E] -> artifact {@code image} (PNG). Params:
 * {@code steps}, {@code guidance}, {@code seed}, {@code upscale}, {@code propagation}
 * ({@code off} | {@code keysteps} | {@code uniform}), {@code every} (uniform), {@code noise_injection},
 * {@code parallel} (batch the decoder passes of a key step and its following non-key steps).
 */
@Component
public class GenerateStep implements StepHandler {

    private final DdimSampler sampler;
    private final UnetRunner unet;
    private final PropagationSchedules schedules;
    private final GeneratorProperties props;
    private final MeterRegistry registry;

    public GenerateStep(DdimSampler sampler, UnetRunner unet, PropagationSchedules schedules, GeneratorProperties props,
                        MeterRegistry registry) {
        this.sampler = sampler;
        this.unet = unet;
        this.schedules = schedules;
        this.props = props;
        this.registry = registry;
    }

    @Override
    public String step() {
        return "generate";
    }

    @Override
    public StepOutput handle(StepInput input) {
        UnetSpec spec = unet.spec();
        float[] condition = Tensors.toFloats(input.requireTensor("embedding"));
        if (condition.length != spec.conditionDim()) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "Condition embedding has " + condition.length
                + " values; " + spec.encoderId() + " needs " + spec.conditionDim());
        }
        Tensors.requireFinite(condition, "Condition embedding");
        StepParams params = input.params();
        int steps = params.integer("steps", props.defaultSteps(), 1, props.maxSteps());
        double guidance = params.number("guidance", props.defaultGuidance(), 0, 50);
        long seed = params.integer("seed", 0, 0, Integer.MAX_VALUE);
        int upscale = params.integer("upscale", 4, 1, 16);
        SamplingPlan plan = plan(spec, params, steps);
        float[] noise = SeededNoise.gaussian(seed, 3 * spec.imageSize() * spec.imageSize());
        SampleResult result = input.timings().inference(() -> sampler.sample(new SampleRequest(condition, noise, guidance, plan),
            input.cancellation()));
        calls("encoder", plan.schedule()).increment(result.encoderCalls());
        calls("decoder", plan.schedule()).increment(result.decoderCalls());
        skipped(plan.schedule()).increment(Math.max(0, steps - result.encoderCalls()));
        byte[] png = input.timings().postprocess(() -> PngWriter.encode(result.image(), spec.imageSize(), upscale));
        Map<String, String> provenance = new HashMap<>();
        provenance.put("generate.encoder", spec.encoderId());
        provenance.put("generate.decoder", spec.decoderId());
        provenance.put("generate.encoder_sha256", spec.encoderSha256());
        provenance.put("generate.decoder_sha256", spec.decoderSha256());
        provenance.put("generate.trained", Boolean.toString(spec.trained()));
        provenance.put("generate.steps", Integer.toString(steps));
        provenance.put("generate.guidance", String.format(Locale.ROOT, "%.2f", guidance));
        provenance.put("generate.seed", Long.toString(seed));
        provenance.put("generate.sampler", "ddim-eta0-cfg");
        provenance.put("generate.schedule", plan.schedule());
        provenance.put("generate.key_steps", plan.keyStepsText());
        provenance.put("generate.parallel", Boolean.toString(plan.parallel()));
        provenance.put("generate.noise_injection", Boolean.toString(plan.injectBelowT() > 0));
        provenance.put("generate.encoder_calls", Integer.toString(result.encoderCalls()));
        provenance.put("generate.decoder_calls", Integer.toString(result.decoderCalls()));
        return new StepOutput(List.of(Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(png))
            .putMetadata("model", spec.encoderId()).build()), provenance);
    }

    private Counter calls(String half, String schedule) {
        return Counter.builder("neuropipe.generator.unet.calls").description("UNet half calls made by generations")
            .tag("half", half).tag("schedule", schedule).register(registry);
    }

    private Counter skipped(String schedule) {
        return Counter.builder("neuropipe.generator.encoder.skipped")
            .description("Denoising steps whose UNet encoder pass was skipped (features propagated from a key step)")
            .baseUnit("steps").tag("schedule", schedule).register(registry);
    }

    /** The request's sampling plan; a bad parameter is an {@link InvalidInputException} naming it. */
    SamplingPlan plan(UnetSpec spec, StepParams params, int steps) {
        PropagationSchedule schedule = schedules.get(params.string("propagation", props.defaultPropagation()).trim());
        int[] keySteps = schedule.keySteps(steps, params, spec.propagation());
        boolean inject = params.bool("noise_injection", schedule.propagates());
        boolean parallel = params.bool("parallel", false);
        return new SamplingPlan(schedule.name(), spec.schedule().timesteps(steps), keySteps, parallel, props.maxParallelSteps(),
            inject ? spec.propagation().injectionBelowT() : 0, spec.propagation().injectionScale());
    }
}
