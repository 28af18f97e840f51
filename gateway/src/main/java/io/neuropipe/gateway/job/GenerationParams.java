package io.neuropipe.gateway.job;

import java.util.Map;
import java.util.Optional;

import io.neuropipe.gateway.config.GenerationProperties;
import io.neuropipe.gateway.pipeline.ModelCards;
import io.neuropipe.gateway.pipeline.PipelineSpec;
import io.neuropipe.proto.v1.RouteNode;
import org.springframework.stereotype.Component;

/**
 * Decoding parameters of a job whose route runs the decode step, checked before the job starts so that a request the
 * decoder would refuse is a 400 instead of a failed job: {@code temperature} >= 0, {@code top_p} in (0, 1],
 * {@code top_k} >= 0, and {@code max_tokens} >= 1 leaving room for {@code <s>} and one prompt token within the language
 * model's {@code max_position_embeddings}, {@code session_id} of 1 to 128 letters, digits, '.', '_' or '-', and
 * {@code session_turn} >= 0 (> 0 only with a {@code session_id}). What needs the tokenizer or the prefix (the prompt's length, the positions
 * a prefix takes) is checked by the decoder, which fails the job as INVALID_INPUT naming the numbers.
 */
@Component
public class GenerationParams {

    private static final String POSITIONS_KEY = "max_position_embeddings";
    private static final java.util.regex.Pattern SESSION_ID = java.util.regex.Pattern.compile("[\\w.-]{1,128}");

    private final GenerationProperties properties;
    private final ModelCards cards;

    public GenerationParams(GenerationProperties properties, ModelCards cards) {
        this.properties = properties;
        this.cards = cards;
    }

    public void validate(PipelineSpec pipeline, Map<String, String> params) {
        if (runs(pipeline.route(), properties.decodeStep())) {
            validate(params, properties.languageModel(), "params.");
        }
    }

    /**
     * Checks {@code params} for a generation by {@code model} (whose card, when the repository has it, bounds max_tokens);
     * a refusal names the field as {@code prefix + key}.
     */
    public void validate(Map<String, String> params, String model, String prefix) {
        number(params, "temperature", prefix).filter(t -> !(t >= 0)).ifPresent(t -> {
            throw new InvalidInputException(prefix + "temperature", "temperature=" + params.get("temperature")
                + " must be >= 0 (0 = greedy)");
        });
        number(params, "top_p", prefix).filter(p -> !(p > 0 && p <= 1)).ifPresent(p -> {
            throw new InvalidInputException(prefix + "top_p", "top_p=" + params.get("top_p") + " must be in (0, 1]");
        });
        whole(params, "top_k", prefix).filter(k -> k < 0).ifPresent(k -> {
            throw new InvalidInputException(prefix + "top_k", "top_k=" + k + " must be >= 0 (0 = no top-k cut)");
        });
        Optional<Long> maxTokens = whole(params, "max_tokens", prefix);
        maxTokens.filter(m -> m < 1).ifPresent(m -> {
            throw new InvalidInputException(prefix + "max_tokens", "max_tokens=" + m + " must be >= 1");
        });
        long positions = cards.newest(model).map(c -> (long) c.preprocessingNumber(POSITIONS_KEY, 0)).orElse(0L);
        maxTokens.filter(m -> positions > 0 && m + 2 > positions).ifPresent(m -> {
            throw new InvalidInputException(prefix + "max_tokens", "max_tokens=" + m + " leaves no room for the prompt: model "
                + model + " has " + positions + " positions (" + POSITIONS_KEY + "), of which <s> and the prompt take at least 2;"
                + " set max_tokens to at most " + (positions - 2));
        });
        session(params, prefix);
    }

    private static void session(Map<String, String> params, String prefix) {
        String id = params.get("session_id");
        if (id != null && !SESSION_ID.matcher(id.trim()).matches()) {
            throw new InvalidInputException(prefix + "session_id", "session_id must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
        Optional<Long> turn = whole(params, "session_turn", prefix);
        turn.filter(t -> t < 0 || t > Integer.MAX_VALUE).ifPresent(t -> {
            throw new InvalidInputException(prefix + "session_turn", "session_turn=" + t + " must be the number of turns the "
                + "session already has (0 = start it over)");
        });
        turn.filter(t -> t > 0 && id == null).ifPresent(t -> {
            throw new InvalidInputException(prefix + "session_turn", "session_turn=" + t + " needs the session_id of the "
                + "conversation it continues");
        });
    }

    private static boolean runs(RouteNode node, String step) {
        return node.getStep().equals(step) || node.getNextList().stream().anyMatch(n -> runs(n, step));
    }

    private static Optional<Double> number(Map<String, String> params, String key, String prefix) {
        String v = params.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Double.parseDouble(v.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidInputException(prefix + key, key + "='" + v + "' is not a number");
        }
    }

    private static Optional<Long> whole(Map<String, String> params, String key, String prefix) {
        String v = params.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidInputException(prefix + key, key + "='" + v + "' is not a whole number");
        }
    }
}
