package io.neuropipe.decoder.engine;

import io.neuropipe.decoder.domain.GenerationRequest;

/**
 * The prefill input: prefix embeddings followed by the prompt's token embeddings.
 *
 * @param embeds    [count * hidden]
 * @param positions [count] position ids (prefix positions, then text positions from the prefix's text start)
 * @param count     prefix + prompt length
 */
public record PromptInputs(float[] embeds, long[] positions, int count) {

    public static PromptInputs of(LanguageModelEngine engine, GenerationRequest request) {
        int hidden = engine.hidden();
        int prefixLen = request.prefix().length();
        int promptLen = request.promptIds().length;
        int total = prefixLen + promptLen;
        float[] embeds = new float[total * hidden];
        long[] positions = new long[total];
        System.arraycopy(request.prefix().embeds(), 0, embeds, 0, prefixLen * hidden);
        System.arraycopy(request.prefix().positions(), 0, positions, 0, prefixLen);
        for (int i = 0; i < promptLen; i++) {
            engine.embed(request.promptIds()[i], embeds, (prefixLen + i) * hidden);
            positions[prefixLen + i] = request.prefix().textStart() + i;
        }
        return new PromptInputs(embeds, positions, total);
    }

    /** Position id of the first generated token. */
    public long nextPosition() {
        return positions[count - 1] + 1;
    }
}
