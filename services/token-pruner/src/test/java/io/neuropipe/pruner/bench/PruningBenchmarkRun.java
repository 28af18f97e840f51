package io.neuropipe.pruner.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs {@link PruningBenchmark} inside Surefire's JVM (where ONNX Runtime's native library loads the way it does
 * for every test); skipped unless {@code -Dneuropipe.bench=true}. From the repository root:
 * <pre>
 * ./mvnw -B -o -q -pl services/token-pruner -am test -Dtest=PruningBenchmarkRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dneuropipe.bench=true -Dbench.repeats=20 -Dbench.out=$PWD/services/token-pruner/target/pruning-benchmark.md \
 *     -Dbench.images=$PWD/services/token-pruner/target/heldout   (after: python3 services/token-pruner/src/test/python/heldout_images.py services/token-pruner/target/heldout)
 * </pre>
 */
class PruningBenchmarkRun {

    @Test
    @EnabledIfSystemProperty(named = "neuropipe.bench", matches = "true")
    void run() throws Exception {
        String out = System.getProperty("bench.out", "target/pruning-benchmark.md");
        PruningBenchmark.main(new String[] {out});
    }
}
