package io.neuropipe.decoder.step;

import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.InvalidInputException;

/**
 * The language model's position budget ({@code max_position_embeddings} of its card): the prefix's positions, the prompt
 * (with {@code <s>}) and every token that may be generated must fit, or RoPE runs past what the model was trained on.
 * A card without the key sets no limit.
 */
final class PositionLimit {

    static final String CARD_KEY = "max_position_embeddings";

    private PositionLimit() {
    }

    /** Throws {@link InvalidInputException} naming the numbers when the request could run past the model's positions. */
    static void check(ModelCard card, Prefix prefix, int promptTokens, int maxTokens) {
        long limit = (long) card.preprocessingNumber(CARD_KEY, 0);
        if (limit <= 0) {
            return;
        }
        long needed = prefix.textStart() + promptTokens + (long) maxTokens;
        if (needed > limit) {
            long room = limit - prefix.textStart() - promptTokens;
            throw new InvalidInputException("The request needs " + needed + " positions (prefix " + prefix.textStart()
                + " + prompt " + promptTokens + " tokens with <s> + max_tokens " + maxTokens + ") but model " + card.id()
                + " has " + limit + " (" + CARD_KEY + "); "
                + (room >= 1 ? "set max_tokens to at most " + room : "shorten the prompt"));
        }
    }
}
