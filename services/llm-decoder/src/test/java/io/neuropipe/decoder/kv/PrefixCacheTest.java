package io.neuropipe.decoder.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.neuropipe.decoder.ZooDecoder;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.sched.BatchingProperties;
import io.neuropipe.decoder.sched.ContinuousBatchingEngine;
import io.neuropipe.decoder.sched.SequenceHandle;
import io.neuropipe.decoder.sched.SequenceOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The prefix cache on the zoo's decoder: what is reused, what it costs in memory, and that reuse feeds the right cache. */
class PrefixCacheTest {

    private static ZooDecoder zoo;

    @BeforeAll
    static void open() {
        zoo = new ZooDecoder(1);
    }

    @AfterAll
    static void close() {
        zoo.close();
    }

    private static GenerationRequest request(Prefix prefix, String prompt) {
        return new GenerationRequest(prefix, zoo.promptIds(prompt), 16, List.of(), new GreedySampler(), 1.0);
    }

    private static PrefixCacheProperties bits(int high, int low) {
        return new PrefixCacheProperties(true, 8, high, low, 0.4, "lm-probe", 0.05, 0.05);
    }

    private record Run(Generation generation, int reused) {
    }

    private static Run run(ContinuousBatchingEngine engine, GenerationRequest request, boolean cache) throws InterruptedException {
        SequenceHandle handle = engine.submit(request, new SequenceOptions(cache), () -> false);
        Generation g = handle.await(d -> { });
        return new Run(g, handle.reusedTokens());
    }

    @Test
    void aRepeatedPrefixIsRestoredUpToTheSharedPromptTokensAndTakesUnderAQuarterOfFp32() throws Exception {
        PrefixCache cache = new PrefixCache(zoo.models(), bits(4, 2));
        Prefix image = zoo.visionPrefix(96, 5);
        GenerationRequest caption = request(image, "caption:");
        int captionRows = 96 + caption.promptIds().length;
        try (ContinuousBatchingEngine engine = new ContinuousBatchingEngine(zoo.engine(), BatchingProperties.defaults(), cache)) {
            assertThat(run(engine, caption, true).reused()).isZero();
            assertThat(cache.stats().entries()).isEqualTo(1);
            Run again = run(engine, caption, true);
            assertThat(again.reused()).isEqualTo(captionRows - 1);
            assertThat(again.generation().tokens()).isNotEmpty();
            // another prompt after the same image shares the image rows and <s>
            assertThat(run(engine, request(image, "question: what colour is the circle? answer:"), true).reused()).isEqualTo(97);
            // off for this request: nothing reused, nothing stored
            assertThat(run(engine, request(zoo.visionPrefix(96, 6), "caption:"), false).reused()).isZero();
            PrefixCache.Stats stats = cache.stats();
            assertThat(stats.entries()).isEqualTo(1);
            assertThat(stats.hits()).isEqualTo(2);
            assertThat((double) stats.fp32Bytes() / stats.bytes()).isGreaterThan(4.0);
        }
    }

    @Test
    void withEightBitCodesTheReusedCacheGivesTheFreshGreedyOutput() throws Exception {
        Generator fresh = new Generator(zoo.engine());
        PrefixCache cache = new PrefixCache(zoo.models(), bits(8, 8));
        try (ContinuousBatchingEngine engine = new ContinuousBatchingEngine(zoo.engine(), BatchingProperties.defaults(), cache)) {
            for (int seed = 0; seed < 4; seed++) {
                Prefix image = zoo.visionPrefix(64 + 32 * seed, 10 + seed);
                GenerationRequest caption = request(image, "caption:");
                run(engine, caption, true);
                Run reused = run(engine, caption, true);
                assertThat(reused.reused()).isEqualTo(64 + 32 * seed + caption.promptIds().length - 1);
                assertThat(reused.generation().tokens()).as("image %d", seed)
                    .isEqualTo(fresh.generate(caption, d -> { }).tokens());
            }
        }
    }

    @Test
    void theSaliencyKeepsTheShareOfTokensAtHighPrecision() {
        PrefixCache cache = new PrefixCache(zoo.models(), bits(4, 2));
        int n = 50;
        float[] attention = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                attention[i * n + j] = 1f / (i + 1);
            }
        }
        boolean[] salient = cache.salient(attention, n);
        int high = 0;
        for (boolean s : salient) {
            high += s ? 1 : 0;
        }
        assertThat(high).isEqualTo(30);
    }
}
