package io.neuropipe.decoder.step;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.neuropipe.decoder.config.DecoderProperties;
import io.neuropipe.decoder.contrastive.LogitsContrast;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.domain.Sampler;
import io.neuropipe.decoder.domain.StochasticSampler;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.kv.PrefixCacheProperties;
import io.neuropipe.decoder.kv.SessionCache;
import io.neuropipe.decoder.kv.SessionNotHeldException;
import io.neuropipe.decoder.prefix.PrefixStage;
import io.neuropipe.decoder.sched.ContinuousBatchingEngine;
import io.neuropipe.decoder.sched.SequenceHandle;
import io.neuropipe.decoder.sched.SequenceOptions;
import io.neuropipe.decoder.spec.SpeculationOptions;
import io.neuropipe.decoder.spec.SpeculationParams;
import io.neuropipe.decoder.spec.SpeculationStats;
import io.neuropipe.decoder.spec.SpeculativeGeneration;
import io.neuropipe.decoder.spec.SpeculativeGenerator;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.PermanentStepException;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.step.StepParams;
import io.neuropipe.runtime.step.TransientStepException;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Step {@code decode}: optional prefix (artifacts {@code vision_tokens} + {@code vision_positions},
 * or {@code embedding}) and a prompt (artifact or param {@code prompt}, or param {@code question};
 * a caption by default) -> text artifact named by param {@code output} (default {@code text}),
 * streamed as partial outputs. Param {@code speculation} ({@code none|medusa|hydra|lookup}) selects speculative
 * decoding (see {@link SpeculationParams}). With a vision prefix, {@code vision_keys} and {@code vision_outliers} from the
 * pruner enable the multimodal options read by {@link MultimodalOptionsParser} (LLM-side pruning before the
 * prefill, DAMRO contrastive decoding); the probe's and the outlier branch's cost is part of
 * {@code decode.prefill_us}. Plain requests (no speculation, no LLM-side pruning, no DAMRO) run on the shared
 * {@link ContinuousBatchingEngine}; this thread waits for the sequence and publishes its text as it comes. Param
 * {@code prefix_cache} (true/false) overrides {@code neuropipe.decoder.prefix-cache.enabled} for them. Param
 * {@code session_id} makes the request a conversation turn whose cache is kept for the next one ({@link SessionCache});
 * param {@code session_turn} (turns the client already has, default 0 = start the session over) continues it: the prompt
 * follows the session's earlier tokens (its first turn's prefix, prompts and answers) and only the new rows are
 * prefilled on top of the kept cache. A continuation of a session this decoder does not hold at that turn fails as
 * NOT_FOUND ({@link SessionNotHeldException}); provenance {@code decode.session_turn} is the turn this one made.
 */
@Component
public class DecodeStep implements StepHandler {

    private static final java.util.regex.Pattern SESSION_ID = java.util.regex.Pattern.compile("[\\w.-]{1,128}");

    private final LanguageModelEngine engine;
    private final Generator generator;
    private final ContinuousBatchingEngine batching;
    private final DecoderProperties props;
    private final PrefixCacheProperties prefixCache;
    private final SpeculativeGenerator speculative;
    private final SpeculationParams speculation;
    private final MultimodalOptionsParser multimodal;

    public DecodeStep(LanguageModelEngine engine, Generator generator, ContinuousBatchingEngine batching, DecoderProperties props,
                      PrefixCacheProperties prefixCache, SpeculativeGenerator speculative, SpeculationParams speculation,
                      MultimodalOptionsParser multimodal) {
        this.engine = engine;
        this.generator = generator;
        this.batching = batching;
        this.props = props;
        this.prefixCache = prefixCache;
        this.speculative = speculative;
        this.speculation = speculation;
        this.multimodal = multimodal;
    }

    /**
     * A generation request, the multimodal options it carries, its conversation session (null = none) and the session's
     * turns it continues (0 = none).
     */
    private record Prepared(GenerationRequest request, MultimodalOptions options, String session, int turn) {
    }

    @Override
    public String step() {
        return "decode";
    }

    @Override
    public StepOutput handle(StepInput input) {
        StepParams params = input.params();
        String output = params.string("output", "text");
        Prepared prepared = input.timings().preprocess(() -> request(input, params));
        GenerationRequest request = prepared.request();
        Optional<SpeculationOptions> spec = input.timings().preprocess(
            () -> speculation.options(params, params.number("temperature", 0.0, 0.0, 10.0)));
        if (spec.isPresent() && request.contrast() != LogitsContrast.NONE) {
            throw new InvalidInputException("speculation=" + spec.get().proposer() + " cannot be combined with DAMRO contrastive "
                + "decoding; set damro_alpha=0 or speculation=none");
        }
        AtomicInteger chunk = new AtomicInteger();
        java.util.function.Consumer<String> onText = delta -> input.partials().emit(output, chunk.getAndIncrement(), delta);
        SpeculativeGeneration speculated = spec.map(o -> input.timings().inference(() -> speculative.generate(request, o, onText, input.cancellation())))
            .orElse(null);
        boolean batched = speculated == null && request.prefixStage() == PrefixStage.NONE
            && request.contrast() == LogitsContrast.NONE;
        String session = prepared.session();
        if (session != null && !batched) {
            throw new InvalidInputException("session_id works with plain decoding only (no speculation, LLM-side pruning or "
                + "DAMRO)");
        }
        SequenceHandle handle = batched ? batching.submit(request,
            new SequenceOptions(params.bool("prefix_cache", prefixCache.enabled()), session, prepared.turn()),
            () -> deadlinePassed(input) || input.cancellation().isCancelled()) : null;
        Generation generation = speculated != null ? speculated.generation()
            : input.timings().inference(() -> batched ? await(handle, onText) : generator.generate(request, onText, input.cancellation()));
        if (generation.finishReason().equals("cancelled")) {
            throw deadlinePassed(input)
                ? new PermanentStepException(ErrorCode.DEADLINE_EXCEEDED, "The deadline passed after " + generation.tokens().size()
                    + " generated tokens")
                : new PermanentStepException(ErrorCode.CANCELLED, "Generation cancelled after " + generation.tokens().size() + " tokens");
        }
        ModelCard card = engine.card();
        Map<String, String> provenance = new LinkedHashMap<>(Map.of("decode.model", card.id(), "decode.sha256", card.sha256(),
            "decode.trained", Boolean.toString(card.trained()), "decode.prefix", prefixKind(input),
            "decode.new_tokens", Integer.toString(generation.tokens().size()), "decode.finish_reason", generation.finishReason(),
            "decode.prefill_us", Long.toString(generation.prefillMicros())));
        provenance.put("decode.speculation", spec.map(SpeculationOptions::proposer).orElse(SpeculationParams.NONE));
        provenance.put("decode.batched", Boolean.toString(batched));
        provenance.put("decode.prefix_cache_tokens", Integer.toString(handle == null ? 0 : handle.reusedTokens()));
        if (session != null) {
            provenance.put("decode.session", session);
            provenance.put("decode.session_turn", Integer.toString(prepared.turn() + 1));
        }
        if (speculated != null) {
            SpeculationStats stats = speculated.stats();
            provenance.put("decode.speculation.acceptance", spec.get().acceptance().name());
            provenance.put("decode.speculation.steps", Integer.toString(stats.steps()));
            provenance.put("decode.speculation.mean_accepted_length", String.format(Locale.ROOT, "%.3f", stats.meanAcceptedLength()));
        }
        provenance.put("decode.prefix_tokens", Integer.toString(request.prefix().length()));
        provenance.putAll(prepared.options().provenance());
        Artifact.Builder text = Artifact.newBuilder().setName(output).setText(generation.text())
            .putMetadata("model", card.id()).putMetadata("finish_reason", generation.finishReason());
        if (session != null) {
            text.putMetadata("session_turn", provenance.get("decode.session_turn"));
        }
        return new StepOutput(List.of(text.build()), provenance);
    }

    private static Generation await(SequenceHandle handle, java.util.function.Consumer<String> onText) {
        try {
            return handle.await(onText);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStepException("Interrupted while generating", e);
        }
    }

    private static boolean deadlinePassed(StepInput input) {
        return input.deadlineEpochMs() > 0 && System.currentTimeMillis() > input.deadlineEpochMs();
    }

    private Prepared request(StepInput input, StepParams params) {
        Prefix prefix = prefix(input);
        String prompt = promptText(input, params);
        long[] ids = engine.tokenizer().encode(prompt, false, false).getIds();
        if (ids.length == 0) {
            throw new InvalidInputException("The prompt is empty");
        }
        if (ids.length > props.maxPromptTokens()) {
            throw new InvalidInputException("The prompt has " + ids.length + " tokens; the limit is " + props.maxPromptTokens());
        }
        String session = params.get("session_id").map(String::trim).orElse(null);
        if (session != null && !SESSION_ID.matcher(session).matches()) {
            throw new InvalidInputException("session_id must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
        int turn = params.integer("session_turn", 0, 0, Integer.MAX_VALUE);
        if (turn > 0 && session == null) {
            throw new InvalidInputException("session_turn=" + turn + " needs the session_id of the conversation it continues");
        }
        Optional<SessionCache.Session> earlier = turn == 0 ? Optional.empty()
            : Optional.of(batching.sessions().continued(session, turn));
        if (earlier.isPresent() && prefix.length() > 0) {
            throw new InvalidInputException("Session '" + session + "' continues its first turn's prefix; a later turn sends no "
                + "vision_tokens or embedding");
        }
        long[] start = earlier.map(SessionCache.Session::tokens)
            .orElse(new long[] {(long) engine.card().preprocessingNumber("bos_id", 1)});
        prefix = earlier.map(SessionCache.Session::prefix).orElse(prefix);
        long[] withBos = Arrays.copyOf(start, start.length + ids.length);
        System.arraycopy(ids, 0, withBos, start.length, ids.length);
        int maxTokens = params.integer("max_tokens", props.defaultMaxTokens(), 1, props.maxTokensLimit());
        PositionLimit.check(engine.card(), prefix, withBos.length, maxTokens);
        double temperature = params.number("temperature", 0.0, 0.0, 10.0);
        int topK = params.integer("top_k", 0, 0, engine.vocab());
        double topP = params.number("top_p", 1.0, Double.MIN_VALUE, 1.0);
        long seed = params.integer("seed", 0, 0, Integer.MAX_VALUE);
        double penalty = params.number("repetition_penalty", 1.0, 0.01, 10.0);
        Sampler sampler = temperature == 0.0 ? new GreedySampler() : new StochasticSampler(temperature, topK, topP, seed);
        List<String> stops = params.get("stop").map(s -> Arrays.asList(s.split("\\|"))).orElse(List.of());
        MultimodalOptions options = multimodal.parse(input, prefix);
        return new Prepared(new GenerationRequest(prefix, withBos, maxTokens, stops, sampler, penalty, options.prefixStage(),
            options.contrast()), options, session, turn);
    }

    private String promptText(StepInput input, StepParams params) {
        var promptArtifact = input.artifact("prompt");
        if (promptArtifact.isPresent() && promptArtifact.get().hasText()) {
            return promptArtifact.get().getText();
        }
        if (params.get("prompt").isPresent()) {
            return params.get("prompt").get();
        }
        var question = params.get("question").or(() -> input.artifact("question").filter(Artifact::hasText).map(Artifact::getText));
        if (question.isPresent()) {
            return String.valueOf(engine.card().preprocessing().getOrDefault("question_prompt", "question: {question} answer:"))
                .replace("{question}", question.get().toLowerCase(Locale.ROOT));
        }
        return String.valueOf(engine.card().preprocessing().getOrDefault("caption_prompt", "caption:"));
    }

    private Prefix prefix(StepInput input) {
        int hidden = engine.hidden();
        if (input.artifact("vision_tokens").isPresent()) {
            var tensor = input.requireTensor("vision_tokens");
            long[] shape = Tensors.shape(tensor);
            long dv = engine.visionProjectorCard().input("patch_tokens").orElseThrow().shape().get(2);
            if (shape.length != 2 || shape[1] != dv) {
                throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "vision_tokens must be [tokens, " + dv + "] but is "
                    + Arrays.toString(shape));
            }
            int n = (int) shape[0];
            long[] positions = Tensors.toLongs(input.requireTensor("vision_positions"));
            if (positions.length != n) {
                throw new InvalidInputException("vision_positions has " + positions.length + " entries for " + n + " tokens");
            }
            String grid = input.requireArtifact("vision_tokens").getMetadataOrDefault("grid", "");
            long textStart = grid.isEmpty() ? Arrays.stream(positions).max().orElse(-1) + 1 : (long) Integer.parseInt(grid) * Integer.parseInt(grid);
            float[] embeds = engine.projectVision(Tensors.toFloats(tensor), n, (int) dv);
            return new Prefix(embeds, positions, n, textStart);
        }
        if (input.artifact("embedding").isPresent()) {
            float[] e = Tensors.toFloats(input.requireTensor("embedding"));
            long dim = engine.brainProjectorCard().input("embedding").orElseThrow().shape().get(1);
            if (e.length != dim) {
                throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "embedding has " + e.length + " values; the brain projector needs " + dim);
            }
            Tensors.requireFinite(e, "embedding");
            float[] embeds = engine.projectBrain(e);
            int n = embeds.length / hidden;
            long[] positions = new long[n];
            for (int i = 0; i < n; i++) {
                positions[i] = i;
            }
            return new Prefix(embeds, positions, n, n);
        }
        return Prefix.none();
    }

    private static String prefixKind(StepInput input) {
        return input.artifact("vision_tokens").isPresent() ? "vision" : input.artifact("embedding").isPresent() ? "embedding" : "none";
    }
}
