package io.neuropipe.decoder.prefix;

import java.util.Arrays;
import java.util.Map;

import io.neuropipe.decoder.config.MultimodalProperties;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import org.springframework.stereotype.Component;

/** The zoo's attention-probe graph (first K layers of the LM, head-averaged attention of layer K - 1). */
@Component
public class ProbeModel implements AttentionProbe {

    private final ModelRepository models;
    private final String name;

    public ProbeModel(ModelRepository models, MultimodalProperties props) {
        this.models = models;
        this.name = props.probeModel();
        models.model(name);
    }

    public ModelCard card() {
        return models.model(name).card();
    }

    /** K: the probe returns the attention that decides which tokens layer K onwards sees. */
    public int layers() {
        return (int) card().preprocessingNumber("probe_layers", 0);
    }

    @Override
    public float[] attention(PrefillInput input) {
        OnnxModel probe = models.model(name);
        int n = input.length();
        int hidden = input.embeds().length / n;
        long[] mask = new long[n];
        Arrays.fill(mask, 1L);
        try (InferenceScope scope = probe.scope()) {
            return scope.run(probe, Map.of("inputs_embeds", scope.floats(input.embeds(), 1, n, hidden),
                "attention_mask", scope.longs(mask, 1, n), "position_ids", scope.longs(input.positions(), 1, n))).floats("attentions");
        }
    }
}
