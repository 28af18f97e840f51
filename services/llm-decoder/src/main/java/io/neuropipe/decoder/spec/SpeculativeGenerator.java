package io.neuropipe.decoder.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.RepetitionPenalty;
import io.neuropipe.decoder.domain.TextStreamer;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.engine.PromptInputs;
import io.neuropipe.decoder.prefix.PrefillInput;
import io.neuropipe.runtime.cancel.CancellationToken;
import io.neuropipe.runtime.metrics.DecodingMetrics;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelContractException;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import org.springframework.stereotype.Component;

/**
 * Draft (proposer) -> verify the whole tree in one pass (tree attention) -> accept the longest matching path plus the
 * base model's next token -> keep only the accepted entries in the KV cache. Prefill and the first token come from
 * the plain decoder graph, as in plain decoding; under greedy acceptance the output is the plain greedy output.
 */
@Component
public class SpeculativeGenerator {


    private final LanguageModelEngine engine;
    private final OnnxModel treeLm;
    private final Map<String, Proposer> proposers;
    private final MeterRegistry registry;

    public SpeculativeGenerator(LanguageModelEngine engine, ModelRepository models, SpeculationProperties props,
                                List<Proposer> proposers, MeterRegistry registry) {
        this.engine = engine;
        this.treeLm = props.treeModel().isBlank() ? null : models.model(props.treeModel());
        this.proposers = proposers.stream().collect(Collectors.toMap(Proposer::name, Function.identity()));
        this.registry = registry;
        for (String key : treeLm == null ? List.<String>of() : List.of("num_layers", "num_heads", "head_dim", "hidden_size", "vocab_size")) {
            double lm = engine.card().preprocessingNumber(key, -1);
            double tree = treeLm.card().preprocessingNumber(key, -1);
            if (lm != tree) {
                throw new ModelContractException("Tree model " + treeLm.card().id() + " has " + key + " " + tree + " but "
                    + engine.card().id() + " has " + lm + "; they must be the same decoder");
            }
        }
    }

    /** Whether drafts can be verified with tree attention (else only as a batch of paths). */
    public boolean hasTreeModel() {
        return treeLm != null;
    }

    /** The proposer registered under {@code name}, or an error naming the registered ones. */
    public Proposer proposer(String name) {
        Proposer proposer = proposers.get(name);
        if (proposer == null) {
            throw new IllegalArgumentException("Unknown proposer '" + name + "'; known: " + new java.util.TreeSet<>(proposers.keySet()));
        }
        return proposer;
    }

    public SpeculativeGeneration generate(GenerationRequest request, SpeculationOptions options, Consumer<String> onText) {
        return generate(request, options, onText, CancellationToken.NONE);
    }

    /** As above, stopping before the next verification pass once the job is cancelled. */
    public SpeculativeGeneration generate(GenerationRequest request, SpeculationOptions options, Consumer<String> onText,
                                          CancellationToken cancellation) {
        Proposer proposer = proposer(options.proposer());
        proposer.check(options);
        if (options.treeAttention() && treeLm == null) {
            throw new IllegalArgumentException("no tree-attention decoder is configured; verify as paths");
        }
        int hidden = engine.hidden();
        int vocab = engine.vocab();
        long eos = (long) engine.card().preprocessingNumber("eos_id", 2);
        PromptInputs prompt = PromptInputs.of(engine, request);
        Output out = new Output(request, new TextStreamer(ids -> engine.tokenizer().decode(ids, true)), onText);
        TokenHistory history = new TokenHistory(request.promptIds(), request.maxTokens());
        DecodingMetrics.Proposer metrics = new DecodingMetrics(registry).proposer(proposer.name());
        int maxNodes = proposer.maxNodes(options);
        int[] drafted = new int[maxNodes];
        int[] accepted = new int[maxNodes];
        int steps = 0;
        int acceptedDrafts = 0;
        long prefillStart = System.nanoTime();
        long prefillMicros;
        try (InferenceScope scope = engine.lm().scope()) {
            TreeKvCache cache = new TreeKvCache(engine.lm(), treeLm == null ? engine.lm() : treeLm, scope, prompt.count() + request.maxTokens() + maxNodes + 1);
            PrefillInput input = request.prefixStage().apply(
                new PrefillInput(prompt.embeds(), prompt.positions(), prompt.count(), request.prefix().length()));
            TreeKvCache.Forward first = cache.prefill(input.embeds(), input.positions(), input.length());
            prefillMicros = (System.nanoTime() - prefillStart) / 1000;
            float[] row = first.logits();
            RepetitionPenalty.apply(row, out.generated, request.repetitionPenalty());
            int root = request.sampler().next(row);
            float[] state = first.hidden();
            long nextPosition = prompt.nextPosition();
            generation:
            while (out.add(root, eos)) {
                cancellation.throwIfCancelled();
                history.add(root);
                DraftTree tree = proposer.propose(new ProposalContext(root, state, history, options));
                TreeKvCache.Forward pass = options.treeAttention() ? cache.verify(tree, embeddings(tree), positions(tree, nextPosition))
                    : cache.verifyPaths(tree, nextPosition, engine::embed);
                Acceptance acceptance = TreeAcceptance.accept(tree, pass.logits(), vocab, options.acceptance(), request.sampler(),
                    out.generated, request.repetitionPenalty());
                steps++;
                acceptedDrafts += acceptance.acceptedDrafts();
                metrics.verified(tree.maxDepth(), acceptance.acceptedDrafts());
                for (int d = 1; d <= tree.maxDepth(); d++) {
                    drafted[d - 1]++;
                    if (acceptance.acceptedDrafts() >= d) {
                        accepted[d - 1]++;
                    }
                }
                int[] path = acceptance.path();
                for (int j = 1; j < path.length; j++) {
                    int token = tree.tokens()[path[j]];
                    if (!out.add(token, eos)) {
                        break generation;
                    }
                    history.add(token);
                }
                cache.keep(path);
                nextPosition += path.length;
                state = new float[hidden];
                System.arraycopy(pass.hidden(), path[path.length - 1] * hidden, state, 0, hidden);
                root = acceptance.bonus();
            }
        }
        int depth = 0;
        while (depth < maxNodes && drafted[depth] > 0) {
            depth++;
        }
        SpeculationStats stats = new SpeculationStats(proposer.name(), steps, acceptedDrafts,
            java.util.Arrays.copyOf(drafted, depth), java.util.Arrays.copyOf(accepted, depth));
        return new SpeculativeGeneration(new Generation(out.text(), out.generated, out.finish, prefillMicros), stats);
    }

    private float[] embeddings(DraftTree tree) {
        int hidden = engine.hidden();
        float[] embeds = new float[tree.size() * hidden];
        for (int i = 0; i < tree.size(); i++) {
            engine.embed(tree.tokens()[i], embeds, i * hidden);
        }
        return embeds;
    }

    private static long[] positions(DraftTree tree, long rootPosition) {
        long[] positions = new long[tree.size()];
        for (int i = 0; i < tree.size(); i++) {
            positions[i] = rootPosition + tree.depths()[i];
        }
        return positions;
    }

    /** Streams accepted tokens and decides when generation ends, with plain decoding's rules. */
    private static final class Output {

        private final GenerationRequest request;
        private final TextStreamer streamer;
        private final Consumer<String> onText;
        private final List<Integer> generated = new ArrayList<>();
        private String finish = "length";
        private String kept;

        Output(GenerationRequest request, TextStreamer streamer, Consumer<String> onText) {
            this.request = request;
            this.streamer = streamer;
            this.onText = onText;
        }

        /** Adds a token chosen by the base model; false once generation has ended. */
        boolean add(int token, long eos) {
            if (generated.size() >= request.maxTokens()) {
                return false;
            }
            if (token == eos) {
                finish = "eos";
                return false;
            }
            generated.add(token);
            String before = streamer.text();
            String delta = streamer.add(token);
            for (String stop : request.stopStrings()) {
                int at = stop.isEmpty() ? -1 : streamer.text().indexOf(stop);
                if (at >= 0) {
                    kept = streamer.text().substring(0, at);
                    if (kept.length() > before.length()) {
                        onText.accept(kept.substring(before.length()));
                    }
                    finish = "stop";
                    return false;
                }
            }
            if (!delta.isEmpty()) {
                onText.accept(delta);
            }
            return generated.size() < request.maxTokens();
        }

        String text() {
            return kept != null ? kept : streamer.text();
        }
    }
}
