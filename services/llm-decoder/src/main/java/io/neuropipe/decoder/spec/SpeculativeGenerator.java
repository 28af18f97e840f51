package io.neuropipe.decoder.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * base model's next token -> keep only the accepted entries in the KV cache. The prompt is prefilled through the
 * verification graph itself (the same decoder with a causal mask; the plain graph when verifying path batches), so a
 * request keeps one graph's weights warm; under greedy acceptance the output is the plain greedy output.
 * With a tree graph that has the Medusa heads fused in ({@link SpeculationProperties#medusaTreeModel()}), the
 * verification pass also yields the next step's Medusa draft, so a step is one ONNX Runtime call.
 */
@Component
public class SpeculativeGenerator implements AutoCloseable {

    /** Idle KV/staging buffers kept between requests: enough for a few concurrent requests of the zoo decoder. */
    private static final int IDLE_BUFFERS = 96;
    private static final String MAX_POSITIONS_KEY = "max_position_embeddings";
    /** Idle tree workspaces kept between requests (a few MB each for the zoo decoder). */
    private static final int IDLE_WORKSPACES = 8;
    private final LanguageModelEngine engine;
    private final OnnxModel treeLm;
    private final OnnxModel medusaTreeLm;
    private final Map<String, Proposer> proposers;
    private final MeterRegistry registry;
    private final long positionLimit;
    private final DirectBufferPool buffers = new DirectBufferPool(IDLE_BUFFERS);
    private final TreeWorkspaces workspaces = new TreeWorkspaces(IDLE_WORKSPACES);
    private final Map<String, DecodingMetrics.Proposer> metrics = new ConcurrentHashMap<>();

    public SpeculativeGenerator(LanguageModelEngine engine, ModelRepository models, SpeculationProperties props,
                                List<Proposer> proposers, MeterRegistry registry) {
        this.engine = engine;
        this.treeLm = props.treeModel().isBlank() ? null : models.model(props.treeModel());
        this.proposers = proposers.stream().collect(Collectors.toMap(Proposer::name, Function.identity()));
        this.registry = registry;
        this.positionLimit = (long) engine.card().preprocessingNumber(MAX_POSITIONS_KEY, 0);
        this.medusaTreeLm = treeLm == null || props.medusaTreeModel().isBlank() ? null : models.model(props.medusaTreeModel());
        for (OnnxModel tree : Arrays.asList(treeLm, medusaTreeLm)) {
            if (tree != null) {
                requireSameDecoder(tree);
            }
        }
        if (medusaTreeLm != null) {
            medusaTreeLm.card().outputName(TreeKvCache.DRAFT_ROLE);
            if (medusaTreeLm.card().preprocessingNumber("medusa_heads", 0) < 1) {
                throw new ModelContractException("Tree model " + medusaTreeLm.card().id() + " has no preprocessing.medusa_heads");
            }
        }
    }

    private void requireSameDecoder(OnnxModel tree) {
        for (String key : List.of("num_layers", "num_heads", "head_dim", "hidden_size", "vocab_size")) {
            double lm = engine.card().preprocessingNumber(key, -1);
            double other = tree.card().preprocessingNumber(key, -1);
            if (lm != other) {
                throw new ModelContractException("Tree model " + tree.card().id() + " has " + key + " " + other + " but "
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
        DecodingMetrics.Proposer meters = metrics.computeIfAbsent(proposer.name(), name -> new DecodingMetrics(registry).proposer(name));
        int maxNodes = proposer.maxNodes(options);
        int[] drafted = new int[maxNodes];
        int[] accepted = new int[maxNodes];
        int steps = 0;
        int acceptedDrafts = 0;
        long prefillStart = System.nanoTime();
        long prefillMicros;
        boolean fused = medusaTreeLm != null && options.treeAttention() && proposer.readsHeadLogits();
        int draftWidth = fused ? (int) medusaTreeLm.card().preprocessingNumber("medusa_heads", 0) * vocab : 0;
        OnnxModel verifier = fused ? medusaTreeLm : treeLm == null ? engine.lm() : treeLm;
        try (InferenceScope scope = engine.lm().scope();
             TreeKvCache cache = new TreeKvCache(options.treeAttention() ? verifier : engine.lm(), verifier, scope, buffers,
                 workspaces, prompt.count(), request.maxTokens(), maxNodes, draftWidth)) {
            PrefillInput input = request.prefixStage().apply(
                new PrefillInput(prompt.embeds(), prompt.positions(), prompt.count(), request.prefix().length()));
            TreeKvCache.Forward first = cache.prefill(input.embeds(), input.positions(), input.length());
            prefillMicros = (System.nanoTime() - prefillStart) / 1000;
            float[] row = first.logits();
            RepetitionPenalty.apply(row, out.generated, request.repetitionPenalty());
            int root = request.sampler().next(row);
            float[] state = first.hidden();
            float[] headLogits = first.draft();
            long nextPosition = prompt.nextPosition();
            generation:
            while (out.add(root, eos)) {
                cancellation.throwIfCancelled();
                history.add(root);
                // Nodes past max_tokens are never emitted; cutting them keeps the positions within what PositionLimit checked.
                DraftTree tree = proposer.propose(new ProposalContext(root, state, history, options, headLogits))
                    .truncated(request.maxTokens() - out.generated.size());
                requireWithinPositions(nextPosition + tree.maxDepth());
                TreeKvCache.Forward pass = options.treeAttention() ? cache.verify(tree, embeddings(tree), positions(tree, nextPosition))
                    : cache.verifyPaths(tree, nextPosition, engine::embed);
                Acceptance acceptance = TreeAcceptance.accept(tree, pass.logits(), vocab, options.acceptance(), request.sampler(),
                    out.generated, request.repetitionPenalty());
                steps++;
                acceptedDrafts += acceptance.acceptedDrafts();
                meters.verified(tree.maxDepth(), acceptance.acceptedDrafts());
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
                int last = path[path.length - 1];
                state = Arrays.copyOfRange(pass.hidden(), last * hidden, (last + 1) * hidden);
                headLogits = pass.draft() == null ? null : Arrays.copyOfRange(pass.draft(), last * draftWidth, (last + 1) * draftWidth);
                root = acceptance.bonus();
            }
        }
        int depth = 0;
        while (depth < maxNodes && drafted[depth] > 0) {
            depth++;
        }
        SpeculationStats stats = new SpeculationStats(proposer.name(), steps, acceptedDrafts,
            Arrays.copyOf(drafted, depth), Arrays.copyOf(accepted, depth));
        return new SpeculativeGeneration(new Generation(out.text(), out.generated, out.finish, prefillMicros), stats);
    }

    private void requireWithinPositions(long deepest) {
        if (positionLimit > 0 && deepest >= positionLimit) {
            throw new IllegalStateException("A draft tree reaches position id " + deepest + " but " + engine.card().id() + " has "
                + positionLimit + " (" + MAX_POSITIONS_KEY + ")");
        }
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

    /** Frees the idle tree workspaces' tensors. */
    @Override
    public void close() {
        workspaces.close();
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
