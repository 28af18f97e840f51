package io.neuropipe.decoder.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.neuropipe.decoder.ZooDecoder;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.domain.Sampler;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.decoder.kv.PrefixCacheProperties;
import io.neuropipe.decoder.sched.BatchingProperties;
import io.neuropipe.decoder.sched.ContinuousBatchingEngine;
import io.neuropipe.decoder.sched.SequenceHandle;
import io.neuropipe.decoder.sched.SequenceOptions;

/**
 * ZipCache prefix-cache quality on zoo images, through the production path (batching engine + prefix cache). Per image:
 * the caption prompt is prefilled fresh and its cache stored quantized; then, from the restored (dequantized) cache,
 * <ul>
 *   <li>perplexity: the reference caption (+ end of sequence) teacher-forced, fresh vs restored cache;</li>
 *   <li>caption: greedy caption from a fresh prefill vs from the restored cache, primary-shape attribute accuracy
 *       against the reference, and how often the two captions are identical;</li>
 *   <li>questions: each question prompt reuses the image rows and {@code <s>}; exact-match accuracy fresh vs restored.</li>
 * </ul>
 * Memory: quantized entry bytes (codes + parameters + saliency flags) vs the same cache in fp32. A benchmark, not a test.
 *
 * <p>Args: {@code images=/tmp/batch-val n=200}.
 */
public final class ZipCacheBenchmark {

    private ZipCacheBenchmark() {
    }

    private record Config(String label, int highBits, int lowBits, double lowFraction) {
    }

    /** Feeds the target tokens whatever the logits say, adding up their negative log-likelihood. */
    private static final class Forcing implements Sampler {
        private final long[] targets;
        private int next;
        private double nll;

        Forcing(long[] targets) {
            this.targets = targets;
        }

        @Override
        public int next(float[] logits) {
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (float l : logits) {
                sum += Math.exp(l - max);
            }
            int target = (int) targets[next++];
            nll -= logits[target] - max - Math.log(sum);
            return target;
        }
    }

    public static void main(String[] args) throws Exception {
        Path images = Path.of(Args.string(args, "images", "/tmp/batch-val"));
        int n = Args.integer(args, "n", 200);
        List<Config> configs = List.of(new Config("ZipCache 4/2-bit, lowest 40 % by saliency at 2 bits", 4, 2, 0.4),
            new Config("uniform 4-bit (same quantizers)", 4, 4, 0.0), new Config("uniform 2-bit (same quantizers)", 2, 2, 1.0),
            new Config("8-bit (control)", 8, 8, 0.0));
        try (ZooDecoder zoo = new ZooDecoder(1)) {
            List<ZooImages.Image> val = ZooImages.load(images, zoo.models(), n);
            long eos = (long) zoo.engine().card().preprocessingNumber("eos_id", 2);
            System.out.printf(Locale.ROOT, "ZipCache prefix cache: %d images from %s (256 vision rows + <s> caption:)%n", val.size(),
                images);
            System.out.println("| cache | bytes vs fp32 | perplexity fresh | perplexity restored | caption attr. acc fresh "
                + "| restored | identical captions | question acc fresh | restored |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            for (Config config : configs) {
                PrefixCache cache = new PrefixCache(zoo.models(), new PrefixCacheProperties(true, 1, config.highBits(), config.lowBits(),
                    config.lowFraction(), "lm-probe", 0.05, 0.05));
                double nllFresh = 0;
                double nllRestored = 0;
                long forced = 0;
                long bytes = 0;
                long fp32 = 0;
                double accFresh = 0;
                double accRestored = 0;
                int identical = 0;
                int questions = 0;
                int rightFresh = 0;
                int rightRestored = 0;
                try (ContinuousBatchingEngine engine = new ContinuousBatchingEngine(zoo.engine(),
                        new BatchingProperties(8, 32, Duration.ofMinutes(1)), cache)) {
                    for (ZooImages.Image image : val) {
                        Prefix prefix = zoo.visionPrefix(image.patchTokens(), ZooImages.gridPositions());
                        long[] prompt = zoo.promptIds("caption:");
                        long[] caption = zoo.engine().tokenizer().encode(image.caption(), false, false).getIds();
                        long[] targets = java.util.Arrays.copyOf(caption, caption.length + 1);
                        targets[caption.length] = eos;
                        Forcing fresh = new Forcing(targets);
                        int stored = run(engine, new GenerationRequest(prefix, prompt, targets.length, List.of(), fresh, 1.0), true)
                            .reused;
                        PrefixCache.Stats stats = cache.stats();
                        bytes += stats.bytes();
                        fp32 += stats.fp32Bytes();
                        Forcing restored = new Forcing(targets);
                        int reused = run(engine, new GenerationRequest(prefix, prompt, targets.length, List.of(), restored, 1.0),
                            true).reused;
                        if (stored != 0 || reused != 256 + prompt.length - 1) {
                            throw new IllegalStateException("expected a miss then a full hit, got " + stored + " / " + reused);
                        }
                        nllFresh += fresh.nll;
                        nllRestored += restored.nll;
                        forced += targets.length;
                        String captionFresh = run(engine, greedy(prefix, prompt, 24), false).generation.text();
                        String captionRestored = run(engine, greedy(prefix, prompt, 24), true).generation.text();
                        accFresh += CaptionScore.accuracy(captionFresh, image.caption());
                        accRestored += CaptionScore.accuracy(captionRestored, image.caption());
                        identical += captionFresh.equals(captionRestored) ? 1 : 0;
                        for (String[] qa : image.qa()) {
                            long[] question = zoo.promptIds("question: " + qa[0] + " answer:");
                            String a = run(engine, greedy(prefix, question, 4), false).generation.text().trim();
                            Run r = run(engine, greedy(prefix, question, 4), true);
                            if (r.reused != 257) {
                                throw new IllegalStateException("a question should reuse the image rows and <s>, reused " + r.reused);
                            }
                            questions++;
                            rightFresh += a.equals(qa[1]) ? 1 : 0;
                            rightRestored += r.generation.text().trim().equals(qa[1]) ? 1 : 0;
                        }
                    }
                }
                int m = val.size();
                System.out.printf(Locale.ROOT, "| %s | %.2fx smaller | %.4f | %.4f | %.3f | %.3f | %d of %d | %.3f | %.3f |%n",
                    config.label(), (double) fp32 / bytes, Math.exp(nllFresh / forced), Math.exp(nllRestored / forced), accFresh / m,
                    accRestored / m, identical, m, (double) rightFresh / questions, (double) rightRestored / questions);
            }
        }
    }

    private static GenerationRequest greedy(Prefix prefix, long[] prompt, int maxTokens) {
        return new GenerationRequest(prefix, prompt, maxTokens, List.of(), new GreedySampler(), 1.0);
    }

    private record Run(Generation generation, int reused) {
    }

    private static Run run(ContinuousBatchingEngine engine, GenerationRequest request, boolean cache) throws InterruptedException {
        SequenceHandle handle = engine.submit(request, new SequenceOptions(cache), () -> false);
        Generation g = handle.await(d -> { });
        return new Run(g, handle.reusedTokens());
    }
}
