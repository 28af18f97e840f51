package io.neuropipe.decoder.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.neuropipe.decoder.contrastive.LogitsContrast;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.RepetitionPenalty;
import io.neuropipe.decoder.domain.TextStreamer;
import io.neuropipe.decoder.prefix.PrefillInput;
import io.neuropipe.runtime.cancel.CancellationToken;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.OnnxModel;
import org.springframework.stereotype.Component;

/** Prefill then token-by-token decoding with a KV cache, streaming text deltas as they appear. */
@Component
public class Generator {

    private final LanguageModelEngine engine;

    public Generator(LanguageModelEngine engine) {
        this.engine = engine;
    }

    public Generation generate(GenerationRequest request, Consumer<String> onText) {
        return generate(request, onText, CancellationToken.NONE);
    }

    /** As {@link #generate(GenerationRequest, Consumer)}, stopping before the next token once the job is cancelled. */
    public Generation generate(GenerationRequest request, Consumer<String> onText, CancellationToken cancellation) {
        OnnxModel lm = engine.lm();
        int hidden = engine.hidden();
        long eos = (long) lm.card().preprocessingNumber("eos_id", 2);
        PromptInputs prompt = PromptInputs.of(engine, request);
        TextStreamer streamer = new TextStreamer(ids -> engine.tokenizer().decode(ids, true));
        List<Integer> generated = new ArrayList<>();
        String finish = "length";
        long prefillStart = System.nanoTime();
        long prefillMicros;
        PrefillInput full = new PrefillInput(prompt.embeds(), prompt.positions(), prompt.count(), request.prefix().length());
        PrefillInput input = request.prefixStage().apply(full);
        try (InferenceScope scope = lm.scope(); LogitsContrast.Branch contrast = request.contrast().open(full)) {
            KvCacheRunner runner = new KvCacheRunner(lm, scope);
            float[] logits = contrast.adjust(runner.forward(input.embeds(), input.positions(), input.length(), hidden));
            prefillMicros = (System.nanoTime() - prefillStart) / 1000;
            long nextPosition = prompt.nextPosition();
            float[] step = new float[hidden];
            while (generated.size() < request.maxTokens()) {
                cancellation.throwIfCancelled();
                RepetitionPenalty.apply(logits, generated, request.repetitionPenalty());
                int token = request.sampler().next(logits);
                if (token == eos) {
                    finish = "eos";
                    break;
                }
                generated.add(token);
                String before = streamer.text();
                String delta = streamer.add(token);
                String stop = firstStop(streamer.text(), request.stopStrings());
                if (stop != null) {
                    String kept = streamer.text().substring(0, streamer.text().indexOf(stop));
                    if (kept.length() > before.length()) {
                        onText.accept(kept.substring(before.length()));
                    }
                    finish = "stop";
                    return new Generation(kept, generated, finish, prefillMicros);
                }
                if (!delta.isEmpty()) {
                    onText.accept(delta);
                }
                if (generated.size() >= request.maxTokens()) {
                    break;
                }
                engine.embed(token, step, 0);
                contrast.advance(token, nextPosition);
                logits = contrast.adjust(runner.forward(step, new long[] {nextPosition++}, 1, hidden));
            }
        }
        return new Generation(streamer.text(), generated, finish, prefillMicros);
    }

    private static String firstStop(String text, List<String> stops) {
        for (String s : stops) {
            if (!s.isEmpty() && text.contains(s)) {
                return s;
            }
        }
        return null;
    }
}
