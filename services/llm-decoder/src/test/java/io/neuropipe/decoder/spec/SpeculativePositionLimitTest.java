package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.runtime.model.ModelRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request whose last token lands on the decoder's last position ({@code max_position_embeddings} - 1): speculative
 * decoding drafts no node beyond it (the draft tree is cut near the end) and still gives the plain greedy tokens.
 */
class SpeculativePositionLimitTest {

    /** Generated tokens of the boundary request: more than the default trees are deep, so several steps are cut. */
    private static final int MAX_TOKENS = 7;
    private static ModelRepository models;
    private static LanguageModelEngine engine;
    private static SpeculativeGenerator speculative;
    private static GenerationRequest atTheLimit;
    private static Generation plain;

    @BeforeAll
    static void load() {
        models = ZooRequests.repository();
        engine = new LanguageModelEngine(models, ZooRequests.decoderProperties());
        SpeculationProperties props = SpeculationProperties.defaults();
        speculative = new SpeculativeGenerator(engine, models, props, List.of(new MedusaProposer(models, props),
            new HydraProposer(models, engine, props), new LookupProposer()), new SimpleMeterRegistry());
        // the first sample prefix whose caption after this prompt is longer than MAX_TOKENS (it names two shapes)
        long limit = (long) engine.card().preprocessingNumber("max_position_embeddings", 0);
        for (var sample : ZooRequests.cases(models, engine, MAX_TOKENS, false, false)) {
            Prefix prefix = sample.request().prefix();
            int promptTokens = (int) (limit - prefix.textStart() - MAX_TOKENS);
            atTheLimit = new GenerationRequest(prefix, repetitivePrompt(promptTokens), MAX_TOKENS, List.of(), new GreedySampler(), 1.0);
            plain = new Generator(engine).generate(atTheLimit, delta -> { });
            if (plain.finishReason().equals("length")) {
                return;
            }
        }
    }

    /** {@code <s>}, a captioned caption over and over (so the lookup proposer drafts long chains), then the caption prompt. */
    private static long[] repetitivePrompt(int length) {
        long[] phrase = engine.tokenizer().encode("caption: a small orange cross above a large blue diamond", false, false).getIds();
        long[] caption = engine.tokenizer().encode("caption:", false, false).getIds();
        long[] ids = new long[length];
        ids[0] = (long) engine.card().preprocessingNumber("bos_id", 1);
        for (int i = 1; i < length - caption.length; i++) {
            ids[i] = phrase[(i - 1) % phrase.length];
        }
        System.arraycopy(caption, 0, ids, length - caption.length, caption.length);
        return ids;
    }

    @AfterAll
    static void close() {
        engine.close();
        models.close();
    }

    @Test
    void theRequestEndsExactlyAtTheLastPosition() {
        long limit = (long) engine.card().preprocessingNumber("max_position_embeddings", 0);
        assertThat(limit).isPositive();
        assertThat(atTheLimit.prefix().textStart() + atTheLimit.promptIds().length + MAX_TOKENS).isEqualTo(limit);
        assertThat(plain.finishReason()).as(plain.text()).isEqualTo("length");
        assertThat(plain.tokens()).hasSize(MAX_TOKENS);
    }

    @Test
    void everyProposerAndVerificationGivesThePlainTokensWithinThePositions() {
        SpeculationProperties props = SpeculationProperties.defaults();
        for (String proposer : List.of("medusa", "hydra", "lookup")) {
            TreeShape shape = TreeShape.parse(proposer.equals("hydra") ? props.hydraTree() : props.medusaTree());
            for (boolean treeAttention : new boolean[] {true, false}) {
                SpeculationOptions options = new SpeculationOptions(proposer, shape, props.lookupDraft(), props.lookupNgram(),
                    new GreedyAcceptance(), 0.0, treeAttention);
                SpeculativeGeneration got = speculative.generate(atTheLimit, options, delta -> { });
                assertThat(got.generation().tokens()).as(proposer + (treeAttention ? " tree" : " paths")).isEqualTo(plain.tokens());
                assertThat(got.generation().text()).isEqualTo(plain.text());
                assertThat(got.stats().acceptedDrafts()).as(proposer + " accepted drafts").isPositive();
            }
        }
    }
}
