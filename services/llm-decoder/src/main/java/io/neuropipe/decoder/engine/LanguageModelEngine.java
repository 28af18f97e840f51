package io.neuropipe.decoder.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.neuropipe.decoder.config.DecoderProperties;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.model.Outputs;
import org.springframework.stereotype.Component;

/**
 * The language model and its side graphs: tokenizer, token-embedding table (read once from the
 * embedding graph), and the vision/brain projectors that turn a prefix into input embeddings.
 */
@Component
public class LanguageModelEngine implements AutoCloseable {

    private final ModelRepository models;
    private final DecoderProperties props;
    private final HuggingFaceTokenizer tokenizer;
    private final float[] embeddingTable;
    private final int hidden;
    private final int vocab;

    public LanguageModelEngine(ModelRepository models, DecoderProperties props) {
        this.models = models;
        this.props = props;
        OnnxModel lm = models.model(props.lmModel());
        models.model(props.visionProjector());
        models.model(props.brainProjector());
        Path tokenizerFile = lm.directory().resolve(String.valueOf(lm.card().preprocessing().getOrDefault("tokenizer", "tokenizer.json")));
        try {
            this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerFile, Map.of("addSpecialTokens", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load the tokenizer of " + lm.card().id() + " from " + tokenizerFile, e);
        }
        this.vocab = (int) lm.card().preprocessingNumber("vocab_size", 0);
        this.hidden = (int) lm.card().preprocessingNumber("hidden_size", 0);
        this.embeddingTable = readEmbeddingTable(models.model(props.embedModel()), vocab);
    }

    private static float[] readEmbeddingTable(OnnxModel embed, int vocab) {
        long[] ids = new long[vocab];
        for (int i = 0; i < vocab; i++) {
            ids[i] = i;
        }
        try (InferenceScope scope = embed.scope()) {
            return scope.run(embed, Map.of("input_ids", scope.longs(ids, 1, vocab))).floats("inputs_embeds");
        }
    }

    public ModelCard card() {
        return models.model(props.lmModel()).card();
    }

    public OnnxModel lm() {
        return models.model(props.lmModel());
    }

    public HuggingFaceTokenizer tokenizer() {
        return tokenizer;
    }

    public int hidden() {
        return hidden;
    }

    public int vocab() {
        return vocab;
    }

    /** Copies the embedding of {@code token} into {@code out} at {@code offset}. */
    public void embed(long token, float[] out, int offset) {
        System.arraycopy(embeddingTable, (int) token * hidden, out, offset, hidden);
    }

    /** Vision tokens [n, dv] -> input embeddings [n, hidden]. */
    public float[] projectVision(float[] tokens, int n, int dv) {
        OnnxModel projector = models.model(props.visionProjector());
        try (InferenceScope scope = projector.scope()) {
            return scope.run(projector, Map.of("patch_tokens", scope.floats(tokens, 1, n, dv))).floats("inputs_embeds");
        }
    }

    /** An E-space embedding -> prefix input embeddings [pb, hidden]. */
    public float[] projectBrain(float[] embedding) {
        OnnxModel projector = models.model(props.brainProjector());
        try (InferenceScope scope = projector.scope()) {
            Outputs out = scope.run(projector, Map.of("embedding", scope.floats(embedding, 1, embedding.length)));
            return out.floats("inputs_embeds");
        }
    }

    public ModelCard visionProjectorCard() {
        return models.model(props.visionProjector()).card();
    }

    public ModelCard brainProjectorCard() {
        return models.model(props.brainProjector()).card();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
