package io.neuropipe.pruner.step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.pruner.config.PrunerProperties;
import io.neuropipe.pruner.domain.PrefillFlops;
import io.neuropipe.pruner.domain.PruneParams;
import io.neuropipe.pruner.domain.PruneResult;
import io.neuropipe.pruner.domain.PruningStrategy;
import io.neuropipe.pruner.domain.VisionTokens;
import io.neuropipe.pruner.engine.VisionEncoderEngine;
import io.neuropipe.runtime.image.ImagePreprocessor;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Step {@code prune}: artifact {@code image} -> pruned vision tokens, by the strategy named in param
 * {@code strategy} (default {@code neuropipe.pruner.default-strategy}); the other params go to the strategy.
 *
 * <p>Input {@code image}: encoded PNG/JPEG bytes (the artifact's {@code png} field), or a tensor — FP32
 * [3, 32, 32] already normalised, or UINT8 [32, 32, 3] RGB (see {@link ImagePreprocessor}).
 *
 * <p>Output artifacts (K = tokens kept):
 * <ul>
 *   <li>{@code vision_tokens} FP32 [K, Dv]: the kept patch features, in grid order; metadata {@code model},
 *       {@code grid} (side of the patch grid; text positions start at grid * grid);</li>
 *   <li>{@code vision_positions} INT64 [K]: the original grid index (row * grid + col) of each kept token, its
 *       position id in the decoder; a merged token has its window's destination (centre) index;</li>
 *   <li>{@code vision_sizes} FP32 [K]: how many original patches each token stands for (1 unless MustDrop
 *       merged it) — for size-aware (proportional) attention and MustDrop's text-guided stage;</li>
 *   <li>{@code vision_keys} INT64 [Kk]: ascending indices into the kept list (rows of {@code vision_tokens})
 *       of MustDrop's key tokens, which the decoder's text-guided stage must never drop; empty ([0]) for
 *       strategies without a key set;</li>
 *   <li>{@code vision_outliers} INT64 [k] (only from {@code damro}): ascending grid positions of the CLS-attention
 *       outliers for DAMRO's contrastive decoding; every one of them is among {@code vision_positions}.</li>
 * </ul>
 *
 * <p>Provenance: {@code prune.model}, {@code prune.sha256}, {@code prune.strategy}, {@code prune.kept_tokens},
 * {@code prune.total_tokens}, {@code prune.kept_ratio} (K / N), {@code prune.merged_tokens},
 * {@code prune.key_tokens}, {@code prune.outliers}, {@code prune.flops_saved_ratio} (see {@link PrefillFlops}:
 * {@code 1 - F(K + 8) / F(N + 8)} with {@code F(S) = 2 S (4 D^2 + 3 D FF) + 2 S^2 D}, D = 128, FF = 384), and
 * the strategy's effective parameters as {@code prune.param.<name>}.
 */
@Component
public class PruneStep implements StepHandler {

    private final VisionEncoderEngine engine;
    private final PrunerProperties props;
    private final Map<String, PruningStrategy> strategies;
    private final Map<String, DistributionSummary> keptRatios;

    public PruneStep(VisionEncoderEngine engine, PrunerProperties props, List<PruningStrategy> strategies, MeterRegistry registry) {
        this.engine = engine;
        this.props = props;
        this.strategies = strategies.stream().collect(Collectors.toMap(PruningStrategy::name, Function.identity()));
        this.keptRatios = strategies.stream().collect(Collectors.toMap(PruningStrategy::name, s -> DistributionSummary
            .builder("neuropipe.pruner.kept.ratio").description("Share of vision tokens kept (K / N) per pruned image")
            .tag("strategy", s.name()).serviceLevelObjectives(0.1, 0.25, 0.5, 0.75, 0.9, 1.0).register(registry)));
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
        ImagePreprocessor preprocessor = new ImagePreprocessor(card, props.maxImageBytes(), props.maxImageSide());
        float[] pixels = input.timings().preprocess(() -> switch (image.getValueCase()) {
            case PNG -> preprocessor.toPixels(image.getPng().toByteArray());
            case TENSOR -> preprocessor.toPixels(image.getTensor());
            case BLOB -> throw new InvalidInputException("Artifact 'image' is a blob reference; the prune step needs the image inline");
            default -> throw new InvalidInputException("Artifact 'image' must carry encoded image bytes (PNG or JPEG) or a pixel tensor");
        });
        VisionTokens all = input.timings().inference(() -> engine.encode(pixels, preprocessor.size()));
        PruneResult result = input.timings().postprocess(() -> strategy.prune(all, input.params()));
        VisionTokens kept = result.kept();
        keptRatios.get(name).record((double) kept.count() / all.count());
        List<Artifact> artifacts = new ArrayList<>(List.of(
            Artifact.newBuilder().setName("vision_tokens").setTensor(Tensors.ofFloats(kept.tokens(), kept.count(), kept.dim()))
                .putMetadata("model", card.id()).putMetadata("grid", Integer.toString(all.grid())).build(),
            Artifact.newBuilder().setName("vision_positions").setTensor(Tensors.ofLongs(kept.positions(), kept.count())).build(),
            Artifact.newBuilder().setName("vision_sizes").setTensor(Tensors.ofFloats(kept.sizes(), kept.count())).build(),
            Artifact.newBuilder().setName("vision_keys").setTensor(Tensors.ofLongs(kept.keyIndices(), kept.keyCount())).build()));
        if (result.outliers().length > 0) {
            artifacts.add(Artifact.newBuilder().setName("vision_outliers")
                .setTensor(Tensors.ofLongs(result.outliers(), result.outliers().length)).build());
        }
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("prune.model", card.id());
        provenance.put("prune.sha256", card.sha256());
        provenance.put("prune.strategy", name);
        provenance.put("prune.kept_tokens", Integer.toString(kept.count()));
        provenance.put("prune.total_tokens", Integer.toString(all.count()));
        provenance.put("prune.kept_ratio", PruneParams.format((double) kept.count() / all.count()));
        provenance.put("prune.merged_tokens", Integer.toString(result.mergedTokens()));
        provenance.put("prune.key_tokens", Integer.toString(kept.keyCount()));
        provenance.put("prune.outliers", Integer.toString(result.outliers().length));
        provenance.put("prune.flops_saved_ratio", PruneParams.format(PrefillFlops.savedRatio(kept.count(), all.count())));
        result.settings().forEach((k, v) -> provenance.put("prune.param." + k, v));
        return new StepOutput(artifacts, provenance);
    }
}
