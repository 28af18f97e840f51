package io.neuropipe.encoder.bench;

import io.neuropipe.encoder.engine.FmriBatchingBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs the encoder's benchmarks inside Surefire's JVM (where ONNX Runtime loads as for every test);
 * skipped unless {@code -Dneuropipe.bench=true}. From the repository root:
 * <pre>
 * ./mvnw -B -o -q -pl services/neural-encoder -am test -Dtest='EncoderBenchmarksRun#retrieval' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dneuropipe.bench=true
 * ./mvnw -B -o -q -pl services/neural-encoder -am test -Dtest='EncoderBenchmarksRun#streams' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dneuropipe.bench=true -Dbench.streams=20,40 -Dbench.seconds=20
 * ./mvnw -B -o -q -pl services/neural-encoder -am test -Dtest='EncoderBenchmarksRun#fmriBatching' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dneuropipe.bench=true -Dbench.fmri.requests=3000
 * </pre>
 */
class EncoderBenchmarksRun {

    @Test
    @EnabledIfSystemProperty(named = "neuropipe.bench", matches = "true")
    void retrieval() {
        RetrievalBenchmark.main(new String[0]);
    }

    @Test
    @EnabledIfSystemProperty(named = "neuropipe.bench", matches = "true")
    void streams() throws Exception {
        StreamBenchmark.main(new String[0]);
    }

    @Test
    @EnabledIfSystemProperty(named = "neuropipe.bench", matches = "true")
    void fmriBatching() throws Exception {
        FmriBatchingBenchmark.main(new String[0]);
    }
}
