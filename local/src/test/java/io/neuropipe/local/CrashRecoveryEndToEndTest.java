package io.neuropipe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Effectively-once delivery under a restart: 1,000 jobs through the local stack while the
 * neural-encoder (or, separately, the gateway) is stopped and started mid-run. Every job ends
 * DONE, and the gateway holds exactly one step result per job. The benchmark version runs the
 * encoder case with {@code -Dcrash.jobs=10000 -Dcrash.timeout-minutes=40} (docs/BENCHMARKS.md).
 */
class CrashRecoveryEndToEndTest {

    private static final int JOBS = Integer.getInteger("crash.jobs", 1000);
    // ~75 s on an idle 2-core machine; the bound only stops a run that truly hangs on a loaded one
    private static final Duration TIMEOUT = Duration.ofMinutes(Long.getLong("crash.timeout-minutes", 5));

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension();

    @Test
    void noJobIsLostOrDuplicatedWhenTheEncoderRestartsMidRun() throws Exception {
        assertEveryJobDoneOnce("neural-encoder restart", new CrashRun(STACK.get()).run(JOBS, 4, "neural-encoder", JOBS / 3,
            Duration.ofSeconds(2), TIMEOUT));
        assertThat(STACK.get().isRunning("neural-encoder")).isTrue();
    }

    @Test
    void noJobIsLostOrDuplicatedWhenTheGatewayRestartsMidRun() throws Exception {
        assertEveryJobDoneOnce("gateway restart", new CrashRun(STACK.get()).run(JOBS, 4, "gateway", JOBS / 3,
            Duration.ofSeconds(1), TIMEOUT));
    }

    private static void assertEveryJobDoneOnce(String label, CrashRun.Outcome outcome) {
        System.out.println("crash run: " + label + ": " + outcome);
        assertThat(outcome.jobs()).isEqualTo(JOBS);
        assertThat(outcome.statuses()).isEqualTo(Map.of("DONE", JOBS));
        assertThat(outcome.stepResults()).isEqualTo(JOBS);
        assertThat(outcome.jobsWithResults()).isEqualTo(JOBS);
    }
}
