package io.neuropipe.decoder.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.neuropipe.decoder.ZooDecoder;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.domain.Sampler;
import io.neuropipe.decoder.domain.StochasticSampler;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.decoder.kv.PrefixCacheProperties;
import io.neuropipe.runtime.step.TransientStepException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Continuous batching on the zoo's real decoder graph: same output as one request at a time, joins, leaves, bounds, cancel. */
class ContinuousBatchingTest {

    private static ZooDecoder zoo;
    private static Generator generator;
    private static List<Prefix> prefixes;

    @BeforeAll
    static void open() {
        zoo = new ZooDecoder(1);
        generator = new Generator(zoo.engine());
        prefixes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            prefixes.add(switch (i % 3) {
                case 0 -> Prefix.none();
                case 1 -> zoo.brainPrefix(i);
                default -> zoo.visionPrefix(16 + 12 * i, i);
            });
        }
    }

    @AfterAll
    static void close() {
        zoo.close();
    }

    /**
     * Request i: prefixes, prompts, token limits, stop strings, samplers and penalties all vary; most are captions (about 10
     * tokens), some one-word answers, some run to a limit of 30+ tokens with end-of-sequence suppressed.
     */
    private static GenerationRequest request(int i) {
        boolean endless = i % 6 == 5;
        Sampler sampler = endless ? endless() : i % 7 == 6 ? new StochasticSampler(0.9, 0, 0.95, i) : new GreedySampler();
        List<String> stops = i % 5 == 4 ? List.of(" on", " at", " left", " right", " above", " below") : List.of();
        String prompt = i % 4 == 0 ? ZooDecoder.PROMPTS.get(1 + i / 4 % 4) : "caption:";
        int maxTokens = endless ? 30 + i : 4 + (i * 7) % 21;
        return new GenerationRequest(prefixes.get(i), zoo.promptIds(prompt), maxTokens, stops, sampler, i % 4 == 3 ? 1.3 : 1.0);
    }

    private static ContinuousBatchingEngine engine(int maxRunning, int queue, Duration admitTimeout) {
        return new ContinuousBatchingEngine(zoo.engine(), new BatchingProperties(maxRunning, queue, admitTimeout),
            new PrefixCache(zoo.models(), PrefixCacheProperties.defaults()));
    }

    private record Streamed(Generation generation, String deltas) {
    }

    private static CompletableFuture<Streamed> collect(SequenceHandle handle, ExecutorService pool, AtomicInteger deltaCount) {
        return CompletableFuture.supplyAsync(() -> {
            StringBuilder text = new StringBuilder();
            try {
                Generation g = handle.await(d -> {
                    text.append(d);
                    deltaCount.incrementAndGet();
                });
                return new Streamed(g, text.toString());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, pool);
    }

    @Test
    void everySequenceGeneratesWhatItWouldAloneWhileJoiningAndLeavingAtDifferentSteps() throws Exception {
        List<Generation> alone = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            alone.add(generator.generate(request(i), d -> { }));
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        AtomicInteger deltas = new AtomicInteger();
        List<CompletableFuture<Streamed>> results = new ArrayList<>();
        try (ContinuousBatchingEngine engine = engine(8, 64, Duration.ofSeconds(10))) {
            int[] waves = {0, 5, 12, 20};
            for (int w = 0; w < 3; w++) {
                for (int i = waves[w]; i < waves[w + 1]; i++) {
                    results.add(collect(engine.submit(request(i), SequenceOptions.none(), () -> false), pool, deltas));
                }
                int seen = deltas.get();
                // the next wave joins once the running sequences have produced more text: between decode steps
                while (deltas.get() < seen + 4 && !results.stream().allMatch(CompletableFuture::isDone)) {
                    Thread.onSpinWait();
                }
            }
            for (int i = 0; i < 20; i++) {
                Streamed s = results.get(i).get(60, TimeUnit.SECONDS);
                Generation expected = alone.get(i);
                assertThat(s.generation().tokens()).as("tokens of request %d", i).isEqualTo(expected.tokens());
                assertThat(s.generation().text()).as("text of request %d", i).isEqualTo(expected.text());
                assertThat(s.generation().finishReason()).as("finish of request %d", i).isEqualTo(expected.finishReason());
                assertThat(s.deltas()).as("streamed text of request %d", i).isEqualTo(expected.text());
            }
            assertThat(engine.peakBatch()).isGreaterThan(1).isLessThanOrEqualTo(8);
        } finally {
            pool.shutdownNow();
        }
        assertThat(alone.stream().map(Generation::finishReason).distinct()).contains("length", "eos", "stop");
        assertThat(alone.stream().mapToInt(g -> g.tokens().size()).distinct().count()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void sequencesJoiningTogetherArePrefilledInOneCallAndGenerateWhatTheyWouldAlone() throws Exception {
        Prefix image = zoo.visionPrefix(64, 7);
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Prefix prefix = i < 5 ? (i == 4 ? zoo.visionPrefix(60, 11) : image) : zoo.brainPrefix(100 + i);
            String prompt = i % 2 == 0 ? "caption:" : ZooDecoder.PROMPTS.get(1 + i % 4);
            requests.add(new GenerationRequest(prefix, zoo.promptIds(prompt), 6 + i, List.of(), new GreedySampler(), 1.0));
        }
        List<Generation> alone = new ArrayList<>();
        for (GenerationRequest r : requests) {
            alone.add(generator.generate(r, d -> { }));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ContinuousBatchingEngine engine = engine(9, 64, Duration.ofSeconds(10))) {
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch submitted = new CountDownLatch(1);
            Sampler endless = endless();
            Sampler gate = logits -> {
                entered.countDown();
                try {
                    submitted.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return endless.next(logits);
            };
            SequenceHandle blocker = engine.submit(new GenerationRequest(Prefix.none(), zoo.promptIds("caption:"), 256, List.of(),
                gate, 1.0), SequenceOptions.none(), stop::get);
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
            // the engine thread waits inside the blocker's sampler: all eight join before the same step
            List<CompletableFuture<Streamed>> results = new ArrayList<>();
            for (GenerationRequest r : requests) {
                results.add(collect(engine.submit(r, SequenceOptions.none(), () -> false), pool, new AtomicInteger()));
            }
            submitted.countDown();
            CompletableFuture<Generation> blocked = collect(blocker, pool, new AtomicInteger()).thenApply(Streamed::generation);
            for (int i = 0; i < requests.size(); i++) {
                Generation g = results.get(i).get(60, TimeUnit.SECONDS).generation();
                assertThat(g.tokens()).as("tokens of request %d", i).isEqualTo(alone.get(i).tokens());
                assertThat(g.text()).as("text of request %d", i).isEqualTo(alone.get(i).text());
            }
            assertThat(engine.peakPrefillBatch()).as("the five image prompts share one prefill call").isGreaterThanOrEqualTo(5);
            stop.set(true);
            assertThat(blocked.get(30, TimeUnit.SECONDS).finishReason()).isEqualTo("cancelled");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Never picks end-of-sequence, so a sequence runs to its token limit unless something stops it. */
    private static Sampler endless() {
        GreedySampler greedy = new GreedySampler();
        return logits -> {
            logits[2] = Float.NEGATIVE_INFINITY;
            return greedy.next(logits);
        };
    }

    private static GenerationRequest longRequest(int maxTokens) {
        return new GenerationRequest(Prefix.none(), zoo.promptIds("caption:"), maxTokens, List.of(), endless(), 1.0);
    }

    /** Like {@link #longRequest} but each step takes at least 5 ms (a stand-in for a slow model), so 256 tokens take > 1 s. */
    private static GenerationRequest slowRequest() {
        Sampler endless = endless();
        Sampler slow = logits -> {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return endless.next(logits);
        };
        return new GenerationRequest(Prefix.none(), zoo.promptIds("caption:"), 256, List.of(), slow, 1.0);
    }

    @Test
    void aCancelledSequenceLeavesWhileTheOthersFinish() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (ContinuousBatchingEngine engine = engine(4, 4, Duration.ofSeconds(10))) {
            AtomicBoolean cancel = new AtomicBoolean();
            SequenceHandle doomed = engine.submit(longRequest(250), SequenceOptions.none(), cancel::get);
            SequenceHandle other = engine.submit(longRequest(60), SequenceOptions.none(), () -> false);
            CompletableFuture<Streamed> rest = collect(other, pool, new AtomicInteger());
            Generation cancelled = doomed.await(d -> cancel.set(true));
            assertThat(cancelled.finishReason()).isEqualTo("cancelled");
            assertThat(cancelled.tokens()).hasSizeLessThan(250);
            Generation finished = rest.get(60, TimeUnit.SECONDS).generation();
            assertThat(finished.finishReason()).isEqualTo("length");
            assertThat(finished.tokens()).hasSize(60);
            assertThat(finished.tokens()).isEqualTo(generator.generate(longRequest(60), d -> { }).tokens());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void requestsBeyondTheBoundsWaitAndTimeOutWhenTheQueueStaysFull() throws Exception {
        try (ContinuousBatchingEngine engine = engine(2, 1, Duration.ofMillis(300))) {
            AtomicBoolean stopA = new AtomicBoolean();
            AtomicBoolean stopB = new AtomicBoolean();
            SequenceHandle a = engine.submit(slowRequest(), SequenceOptions.none(), stopA::get);
            SequenceHandle b = engine.submit(slowRequest(), SequenceOptions.none(), stopB::get);
            // both running: each has streamed text
            CompletableFuture<Generation> aDone = firstDeltaThenRest(a);
            CompletableFuture<Generation> bDone = firstDeltaThenRest(b);
            SequenceHandle c = engine.submit(longRequest(5), SequenceOptions.none(), () -> false);
            assertThatThrownBy(() -> engine.submit(longRequest(5), SequenceOptions.none(), () -> false))
                .isInstanceOf(TransientStepException.class).hasMessageContaining("queue");
            assertThat(c.completion()).isNotDone();
            stopA.set(true);
            assertThat(c.await(d -> { }).tokens()).hasSize(5);
            stopB.set(true);
            assertThat(aDone.get(30, TimeUnit.SECONDS).finishReason()).isEqualTo("cancelled");
            assertThat(bDone.get(30, TimeUnit.SECONDS).finishReason()).isEqualTo("cancelled");
        }
    }

    private static CompletableFuture<Generation> firstDeltaThenRest(SequenceHandle handle) throws InterruptedException {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Generation> done = CompletableFuture.supplyAsync(() -> {
            try {
                return handle.await(d -> first.complete(null));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        first.orTimeout(30, TimeUnit.SECONDS).join();
        return done;
    }
}
