package io.neuropipe.generator.step;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.neuropipe.generator.config.GeneratorProperties;
import io.neuropipe.generator.domain.PngWriter;
import io.neuropipe.generator.engine.DdimSampler;
import io.neuropipe.generator.engine.UnetEngine;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Step {@code generate}: artifact {@code embedding} [E] -> artifact {@code image} (PNG). Params:
 * {@code steps}, {@code guidance}, {@code seed}, {@code upscale}.
 */
@Component
public class GenerateStep implements StepHandler {

    private final DdimSampler sampler;
    private final UnetEngine unet;
    private final GeneratorProperties props;

    public GenerateStep(DdimSampler sampler, UnetEngine unet, GeneratorProperties props) {
        this.sampler = sampler;
        this.unet = unet;
        this.props = props;
    }

    @Override
    public String step() {
        return "generate";
    }

    @Override
    public StepOutput handle(StepInput input) {
        ModelCard encoder = unet.encoderCard();
        long conditionDim = encoder.input("condition").orElseThrow().shape().get(1);
        float[] condition = Tensors.toFloats(input.requireTensor("embedding"));
        if (condition.length != conditionDim) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "Condition embedding has " + condition.length
                + " values; " + encoder.id() + " needs " + conditionDim);
        }
        Tensors.requireFinite(condition, "Condition embedding");
        int steps = input.params().integer("steps", props.defaultSteps(), 1, props.maxSteps());
        double guidance = input.params().number("guidance", props.defaultGuidance(), 0, 50);
        long seed = input.params().integer("seed", 0, 0, Integer.MAX_VALUE);
        int upscale = input.params().integer("upscale", 4, 1, 16);
        float[] image = input.timings().inference(() -> sampler.sample(condition, steps, guidance, seed));
        int size = (int) encoder.preprocessingNumber("image_size", 32);
        byte[] png = input.timings().postprocess(() -> PngWriter.encode(image, size, upscale));
        return new StepOutput(List.of(Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(png))
                .putMetadata("model", encoder.id()).build()),
            Map.of("generate.encoder", encoder.id(), "generate.decoder", unet.decoderCard().id(),
                "generate.encoder_sha256", encoder.sha256(), "generate.decoder_sha256", unet.decoderCard().sha256(),
                "generate.trained", Boolean.toString(encoder.trained()),
                "generate.steps", Integer.toString(steps), "generate.guidance", String.format(Locale.ROOT, "%.2f", guidance),
                "generate.seed", Long.toString(seed), "generate.sampler", "ddim-eta0-cfg"));
    }
}
