package io.neuropipe.local.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs {@link MultimodalDecodingBenchmark} inside Surefire's JVM (no {@code mvn install} needed); skipped unless
 * {@code -Dneuropipe.bench=true}. Command: docs/BENCHMARKS.md, section "Multimodal decoding options".
 */
class MultimodalDecodingBenchmarkRun {

    @Test
    @EnabledIfSystemProperty(named = "neuropipe.bench", matches = "true")
    void run() throws Exception {
        // several image sets in one JVM: bench.images=a,b with bench.out=a.md,b.md (and bench.limit=200,100)
        String[] images = System.getProperty("bench.images", "").split(",");
        String[] outs = System.getProperty("bench.out", "target/multimodal-benchmark.md").split(",");
        String[] limits = System.getProperty("bench.limits", "").split(",");
        for (int i = 0; i < outs.length; i++) {
            if (!images[i].isEmpty()) {
                System.setProperty("bench.images", images[i]);
            }
            if (i < limits.length && !limits[i].isEmpty()) {
                System.setProperty("bench.limit", limits[i]);
            }
            MultimodalDecodingBenchmark.main(new String[] {outs[i]});
        }
    }
}
