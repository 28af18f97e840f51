package io.neuropipe.decoder.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.runtime.metrics.DecodingMetrics;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.runtime.model.ModelRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Under greedy decoding every proposer's output is token for token the plain KV-cache greedy output, on the zoo's
 * sample images (vision and brain prefixes) with the caption prompt and every question of each image.
 */
class SpeculativeIdentityTest {

    private static final int MAX_TOKENS = 16;
    private static ModelRepository models;
    private static LanguageModelEngine engine;
    private static Generator plain;
    private static SpeculativeGenerator speculative;
    private static SpeculativeGenerator separateHeads;
    private static SimpleMeterRegistry registry;
    private static List<ZooRequests.Case> cases;
    private static List<Generation> expected;

    @BeforeAll
    static void load() {
        models = ZooRequests.repository();
        engine = new LanguageModelEngine(models, ZooRequests.decoderProperties());
        plain = new Generator(engine);
        SpeculationProperties props = SpeculationProperties.defaults();
        registry = new SimpleMeterRegistry();
        speculative = new SpeculativeGenerator(engine, models, props, List.of(new MedusaProposer(models, props),
            new HydraProposer(models, engine, props), new LookupProposer()), registry);
        SpeculationProperties withHeadsRun = new SpeculationProperties(props.treeModel(), "", props.medusaModel(),
            props.hydraModel(), props.medusaTree(), props.hydraTree(), props.maxTreeNodes(), props.minPathProbability(),
            props.lookupDraft(), props.lookupNgram(), props.typicalEpsilon(), props.typicalDelta());
        separateHeads = new SpeculativeGenerator(engine, models, withHeadsRun, List.of(new MedusaProposer(models, withHeadsRun)),
            new SimpleMeterRegistry());
        List<ZooRequests.Case> all = ZooRequests.cases(models, engine, MAX_TOKENS, false);
        // every other one of the 226 (12 images x vision/brain prefix x caption + questions) keeps the test near 30 s
        cases = java.util.stream.IntStream.range(0, all.size()).filter(i -> i % 2 == 0).mapToObj(all::get).toList();
        expected = new ArrayList<>();
        for (ZooRequests.Case c : cases) {
            expected.add(plain.generate(c.request(), delta -> { }));
        }
    }

    @AfterAll
    static void close() {
        engine.close();
        models.close();
    }

    private static SpeculationOptions options(String proposer, boolean treeAttention) {
        SpeculationProperties props = SpeculationProperties.defaults();
        return new SpeculationOptions(proposer, TreeShape.parse(proposer.equals("hydra") ? props.hydraTree() : props.medusaTree()),
            props.lookupDraft(), props.lookupNgram(), new GreedyAcceptance(), props.minPathProbability(), treeAttention);
    }

    private static double identicalTo(String proposer) {
        return identicalTo(speculative, proposer, true, cases.size());
    }

    private static double identicalTo(SpeculativeGenerator speculative, String proposer, boolean treeAttention, int count) {
        int steps = 0;
        int accepted = 0;
        for (int i = 0; i < count; i++) {
            StringBuilder streamed = new StringBuilder();
            SpeculativeGeneration got = speculative.generate(cases.get(i).request(), options(proposer, treeAttention), streamed::append);
            Generation want = expected.get(i);
            assertThat(got.generation().tokens()).as(proposer + ": " + cases.get(i).label()).isEqualTo(want.tokens());
            assertThat(got.generation().text()).as(cases.get(i).label()).isEqualTo(want.text()).isEqualTo(streamed.toString());
            assertThat(got.generation().finishReason()).as(cases.get(i).label()).isEqualTo(want.finishReason());
            steps += got.stats().steps();
            accepted += got.stats().acceptedDrafts();
        }
        return (double) (accepted + steps) / steps;
    }

    @Test
    void coversOverAHundredPromptsThatProduceText() {
        assertThat(cases).hasSizeGreaterThanOrEqualTo(100);
        assertThat(expected).allSatisfy(g -> assertThat(g.tokens()).isNotEmpty());
    }

    @Test
    void medusaIsLosslessAndAcceptsDrafts() {
        assertThat(identicalTo("medusa")).isGreaterThan(1.5);
        assertThat(registry.find(DecodingMetrics.ACCEPTED_LENGTH).tag("proposer", "medusa").summary().count()).isPositive();
    }

    @Test
    void hydraIsLosslessAndAcceptsDrafts() {
        assertThat(identicalTo("hydra")).isGreaterThan(1.5);
    }

    @Test
    void medusaVerifiedAsABatchOfPathsIsLosslessToo() {
        assertThat(identicalTo(speculative, "medusa", false, 30)).isGreaterThan(1.5);
    }

    @Test
    void medusaWithASeparateHeadsRunInsteadOfTheFusedGraphIsLosslessWithTheSameAcceptance() {
        assertThat(identicalTo(separateHeads, "medusa", true, cases.size()))
            .isEqualTo(identicalTo(speculative, "medusa", true, cases.size()));
    }

    @Test
    void lookupIsLossless() {
        assertThat(identicalTo("lookup")).isGreaterThanOrEqualTo(1.0);
    }
}
