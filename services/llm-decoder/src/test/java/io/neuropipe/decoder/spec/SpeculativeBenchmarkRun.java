package io.neuropipe.decoder.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs {@link SpeculativeBenchmark} inside Surefire's JVM; skipped unless {@code -Dneuropipe.bench=true}. From the
 * repository root:
 * <pre>
 * ./mvnw -B -o -q -pl services/llm-decoder -am test -Dtest=SpeculativeBenchmarkRun -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dneuropipe.bench=true -Dbench.repeats=5 -Dbench.out=$PWD/services/llm-decoder/target/speculative-benchmark.md
 * </pre>
 */
class SpeculativeBenchmarkRun {

    @Test
    @EnabledIfSystemProperty(named = "neuropipe.bench", matches = "true")
    void run() throws Exception {
        SpeculativeBenchmark.main(new String[] {System.getProperty("bench.out", "target/speculative-benchmark.md")});
    }
}
