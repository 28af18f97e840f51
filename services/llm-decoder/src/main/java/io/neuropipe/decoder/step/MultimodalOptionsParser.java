package io.neuropipe.decoder.step;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.neuropipe.decoder.config.MultimodalProperties;
import io.neuropipe.decoder.contrastive.DamroContrast;
import io.neuropipe.decoder.contrastive.LogitsContrast;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.prefix.PrefixSelection;
import io.neuropipe.decoder.prefix.PrefixStage;
import io.neuropipe.decoder.prefix.ProbeModel;
import io.neuropipe.decoder.prefix.ProbedPrefixStage;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepParams;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Reads the multimodal decoding options of a {@code decode} request (they need a vision prefix):
 * <ul>
 *   <li>{@code llm_pruning}: {@code none}, {@code fastv} or {@code mustdrop}; default {@code fastv} when
 *       {@code fastv_ratio}/{@code fastv_layer} is given, else {@code mustdrop} when the pruner passed a non-empty
 *       key set ({@code vision_keys}, i.e. it ran {@code mustdrop}), else {@code none};</li>
 *   <li>FastV: {@code fastv_ratio} R in [0, 1), {@code fastv_layer} K (the probe graph's layer count);</li>
 *   <li>MustDrop's text stage: {@code mustdrop_global}, {@code mustdrop_individual} in [0, 1]; the key set is kept;</li>
 *   <li>DAMRO, when the pruner passed {@code vision_outliers}: {@code damro_alpha} in [0, 10] (0 = off),
 *       {@code damro_beta} in (0, 1].</li>
 * </ul>
 */
@Component
public class MultimodalOptionsParser {

    private final LanguageModelEngine engine;
    private final ProbeModel probe;
    private final MultimodalProperties props;

    public MultimodalOptionsParser(LanguageModelEngine engine, ProbeModel probe, MultimodalProperties props) {
        this.engine = engine;
        this.probe = probe;
        this.props = props;
    }

    /** @param prefix the request's prefix; with a vision prefix its rows are the {@code vision_tokens} rows */
    public MultimodalOptions parse(StepInput input, Prefix prefix) {
        StepParams params = input.params();
        boolean vision = input.artifact("vision_tokens").isPresent();
        boolean[] keys = vision ? keys(input, prefix.length()) : new boolean[0];
        Map<String, String> settings = new LinkedHashMap<>();
        PrefixStage stage = prefixStage(params, vision, keys, settings);
        LogitsContrast contrast = contrast(input, params, vision, prefix, settings);
        return new MultimodalOptions(stage, contrast, settings);
    }

    private PrefixStage prefixStage(StepParams params, boolean vision, boolean[] keys, Map<String, String> settings) {
        boolean fastvParams = params.get("fastv_ratio").isPresent() || params.get("fastv_layer").isPresent();
        boolean keySet = false;
        for (boolean k : keys) {
            keySet |= k;
        }
        String fallback = fastvParams ? "fastv" : keySet ? "mustdrop" : "none";
        String mode = params.string("llm_pruning", fallback).trim().toLowerCase(Locale.ROOT);
        settings.put("llm_pruning", mode);
        if (!mode.equals("none") && !vision) {
            throw new InvalidInputException("llm_pruning=" + mode + " needs a vision prefix (artifacts vision_tokens + vision_positions)");
        }
        return switch (mode) {
            case "none" -> PrefixStage.NONE;
            case "fastv" -> {
                double ratio = params.number("fastv_ratio", props.fastvRatio(), 0.0, 1.0);
                if (ratio >= 1.0) {
                    throw new InvalidInputException("Parameter fastv_ratio=" + ratio + " must be below 1 (it is the fraction of vision tokens dropped)");
                }
                int layer = params.integer("fastv_layer", probe.layers(), 1, Integer.MAX_VALUE);
                if (layer != probe.layers()) {
                    throw new InvalidInputException("Parameter fastv_layer=" + layer + " is not available: the attention probe "
                        + probe.card().id() + " gives the attention that decides layer " + probe.layers() + " onwards");
                }
                settings.put("fastv_ratio", Double.toString(ratio));
                settings.put("fastv_layer", Integer.toString(layer));
                yield new ProbedPrefixStage(probe, PrefixSelection.fastV(ratio), engine.hidden());
            }
            case "mustdrop" -> {
                double global = params.number("mustdrop_global", props.mustdropGlobal(), 0.0, 1.0);
                double individual = params.number("mustdrop_individual", props.mustdropIndividual(), 0.0, 1.0);
                settings.put("mustdrop_global", Double.toString(global));
                settings.put("mustdrop_individual", Double.toString(individual));
                yield new ProbedPrefixStage(probe, PrefixSelection.mustDrop(keys, global, individual), engine.hidden());
            }
            default -> throw new InvalidInputException("Unknown llm_pruning '" + mode + "'; known: none, fastv, mustdrop");
        };
    }

    private LogitsContrast contrast(StepInput input, StepParams params, boolean vision, Prefix prefix, Map<String, String> settings) {
        boolean outliers = vision && input.artifact("vision_outliers").isPresent();
        if (!outliers) {
            for (String key : new String[] {"damro_alpha", "damro_beta"}) {
                if (params.get(key).isPresent()) {
                    throw new InvalidInputException("Parameter " + key + " needs the vision_outliers artifact (prune strategy damro)");
                }
            }
            settings.put("damro", "off");
            return LogitsContrast.NONE;
        }
        double alpha = params.number("damro_alpha", props.damroAlpha(), 0.0, 10.0);
        double beta = params.number("damro_beta", props.damroBeta(), Double.MIN_VALUE, 1.0);
        int[] rows = outlierRows(Tensors.toLongs(input.requireTensor("vision_outliers")), prefix.positions());
        if (alpha == 0.0 || rows.length == 0) {
            settings.put("damro", "off");
            return LogitsContrast.NONE;
        }
        settings.put("damro", "on");
        settings.put("damro_alpha", Double.toString(alpha));
        settings.put("damro_beta", Double.toString(beta));
        settings.put("damro_outliers", Integer.toString(rows.length));
        return new DamroContrast(engine, rows, alpha, beta);
    }

    /** Grid positions of the outliers -> their rows in the prefix (ascending). */
    static int[] outlierRows(long[] outliers, long[] positions) {
        int[] rows = new int[outliers.length];
        for (int i = 0; i < outliers.length; i++) {
            int row = -1;
            for (int r = 0; r < positions.length && row < 0; r++) {
                row = positions[r] == outliers[i] ? r : -1;
            }
            if (row < 0) {
                throw new InvalidInputException("vision_outliers position " + outliers[i] + " is not among vision_positions");
            }
            rows[i] = row;
        }
        Arrays.sort(rows);
        for (int i = 1; i < rows.length; i++) {
            if (rows[i] == rows[i - 1]) {
                throw new InvalidInputException("vision_outliers names position " + positions[rows[i]] + " twice");
            }
        }
        return rows;
    }

    private static boolean[] keys(StepInput input, int n) {
        boolean[] keys = new boolean[n];
        if (input.artifact("vision_keys").isEmpty()) {
            return keys;
        }
        for (long k : Tensors.toLongs(input.requireTensor("vision_keys"))) {
            if (k < 0 || k >= n) {
                throw new InvalidInputException("vision_keys index " + k + " is outside [0, " + n + ") (rows of vision_tokens)");
            }
            keys[(int) k] = true;
        }
        return keys;
    }
}
