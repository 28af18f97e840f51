package io.neuropipe.decoder.sched;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.neuropipe.decoder.ZooDecoder;
import io.neuropipe.decoder.bench.Args;
import io.neuropipe.decoder.bench.ZooImages;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.engine.PromptInputs;

/**
 * Prefill cost of {@code batch} sequences joining together: one prefill call each (as before batched prefills) vs one
 * padded call for all. Reports the fastest of {@code repeats} rounds of each, which a busy machine's neighbours disturb
 * least, and checks that both give the same last-row logits' argmax. A benchmark, not a test.
 *
 * <p>Args: {@code images=/tmp/batch-val batch=8 repeats=15 threads=1}.
 */
public final class PrefillBenchmark {

    private PrefillBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int batch = Args.integer(args, "batch", 8);
        int repeats = Args.integer(args, "repeats", 15);
        int threads = Args.integer(args, "threads", 1);
        Path images = Path.of(Args.string(args, "images", "/tmp/batch-val"));
        try (ZooDecoder zoo = new ZooDecoder(threads)) {
            List<Prefix> vision = new ArrayList<>();
            ZooImages.load(images, zoo.models(), batch).forEach(im -> vision.add(zoo.visionPrefix(im.patchTokens(),
                ZooImages.gridPositions())));
            List<Prefix> brain = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                brain.add(zoo.brainPrefix(i));
            }
            System.out.printf(Locale.ROOT, "prefill of %d joining sequences, fastest of %d rounds, ORT intra-op threads %d%n", batch,
                repeats, threads);
            System.out.println("| prompts | one call each (ms) | one padded call (ms) | speed-up | same first tokens |");
            System.out.println("|---|---|---|---|---|");
            run(zoo, "image prefix (256 rows) + caption", vision, zoo.promptIds("caption:"), repeats);
            run(zoo, "brain prefix (4 rows) + caption", brain, zoo.promptIds("caption:"), repeats);
        }
    }

    private static void run(ZooDecoder zoo, String name, List<Prefix> prefixes, long[] prompt, int repeats) {
        List<BatchedKvRunner.PrefillRows> rows = new ArrayList<>();
        for (int i = 0; i < prefixes.size(); i++) {
            PromptInputs in = PromptInputs.of(zoo.engine(), new GenerationRequest(prefixes.get(i), prompt, 1, List.of(),
                new GreedySampler(), 1.0));
            rows.add(new BatchedKvRunner.PrefillRows(i, in.embeds(), in.positions(), in.count()));
        }
        long bestAlone = Long.MAX_VALUE;
        long bestTogether = Long.MAX_VALUE;
        boolean same = true;
        try (BatchedKvRunner runner = new BatchedKvRunner(zoo.engine().lm(), zoo.engine().hidden())) {
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                int[] alone = new int[rows.size()];
                for (BatchedKvRunner.PrefillRows row : rows) {
                    alone[(int) row.id()] = argmax(runner.prefill(row.id(), row.embeds(), row.positions(), row.count(), null));
                    runner.release(row.id());
                }
                bestAlone = Math.min(bestAlone, System.nanoTime() - start);
                start = System.nanoTime();
                float[][] together = runner.prefill(rows);
                rows.forEach(row -> runner.release(row.id()));
                bestTogether = Math.min(bestTogether, System.nanoTime() - start);
                for (int i = 0; i < rows.size(); i++) {
                    same &= argmax(together[i]) == alone[i];
                }
            }
        }
        System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2fx | %s |%n", name, bestAlone / 1e6, bestTogether / 1e6,
            (double) bestAlone / bestTogether, same ? "yes" : "NO");
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
