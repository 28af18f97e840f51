package io.neuropipe.pruner.step;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.pruner.config.PrunerProperties;
import io.neuropipe.pruner.domain.ImagePreprocessor;
import io.neuropipe.pruner.domain.PruningStrategy;
import io.neuropipe.pruner.domain.VisionTokens;
import io.neuropipe.pruner.engine.VisionEncoderEngine;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Step {@code prune}: artifact {@code image} (PNG/JPEG) -> artifacts {@code vision_tokens} [K, Dv]
 * and {@code vision_positions} [K] (original grid indices), by the strategy named in param {@code strategy}.
 */
@Component
public class PruneStep implements StepHandler {

    private final VisionEncoderEngine engine;
    private final PrunerProperties props;
    private final Map<String, PruningStrategy> strategies;

    public PruneStep(VisionEncoderEngine engine, PrunerProperties props, List<PruningStrategy> strategies) {
        this.engine = engine;
        this.props = props;
        this.strategies = strategies.stream().collect(Collectors.toMap(PruningStrategy::name, Function.identity()));
    }

    @Override
    public String step() {
        return "prune";
    }

    @Override
    public StepOutput handle(StepInput input) {
        ModelCard card = engine.card();
        String name = input.params().string("strategy", props.defaultStrategy());
        PruningStrategy strategy = strategies.get(name);
        if (strategy == null) {
            throw new InvalidInputException("Unknown pruning strategy '" + name + "'; known: " + strategies.keySet());
        }
        Artifact image = input.requireArtifact("image");
        if (!image.hasPng()) {
            throw new InvalidInputException("Artifact 'image' must carry encoded image bytes (PNG or JPEG)");
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(card, props.maxImageBytes(), props.maxImageSide());
        float[] pixels = input.timings().preprocess(() -> preprocessor.toPixels(image.getPng().toByteArray()));
        VisionTokens all = input.timings().inference(() -> engine.encode(pixels, preprocessor.size()));
        VisionTokens kept = input.timings().postprocess(() -> strategy.prune(all, input.params()));
        double keptRatio = (double) kept.count() / all.count();
        return new StepOutput(List.of(
            Artifact.newBuilder().setName("vision_tokens").setTensor(Tensors.ofFloats(kept.tokens(), kept.count(), kept.dim()))
                .putMetadata("model", card.id()).putMetadata("grid", Integer.toString(all.grid())).build(),
            Artifact.newBuilder().setName("vision_positions").setTensor(Tensors.ofLongs(kept.positions(), kept.count())).build()),
            Map.of("prune.model", card.id(), "prune.sha256", card.sha256(), "prune.strategy", name,
                "prune.kept_tokens", Integer.toString(kept.count()), "prune.total_tokens", Integer.toString(all.count()),
                "prune.kept_ratio", String.format(java.util.Locale.ROOT, "%.4f", keptRatio)));
    }
}
