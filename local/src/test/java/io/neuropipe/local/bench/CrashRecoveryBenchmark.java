package io.neuropipe.local.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import io.neuropipe.local.CrashRun;
import io.neuropipe.local.LocalOptions;
import io.neuropipe.local.LocalStack;

/**
 * The crash/load run at benchmark size (a benchmark, not a test): {@code bench.jobs} (10,000)
 * {@code eeg-encode} jobs through the local stack while {@code bench.app} (neural-encoder) is
 * stopped a third of the way in and started again after {@code bench.downtime-ms}; prints how many
 * jobs ended DONE, the step results stored per job, client retries and throughput.
 * Run: see docs/BENCHMARKS.md.
 */
public final class CrashRecoveryBenchmark {

    private CrashRecoveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("neuropipe.root", ".."));
        int jobs = Integer.getInteger("bench.jobs", 10_000);
        int clients = Integer.getInteger("bench.clients", 8);
        String app = System.getProperty("bench.app", "neural-encoder");
        Duration downtime = Duration.ofMillis(Long.getLong("bench.downtime-ms", 3000));
        Path data = Files.createTempDirectory("neuropipe-crash-bench-");
        try (LocalStack stack = new LocalStack(new LocalOptions(data, root.resolve("models/repository"), 0, false, 0, 0)).start()) {
            CrashRun.Outcome o = new CrashRun(stack).run(jobs, clients, app, jobs / 3, downtime, Duration.ofMinutes(40));
            System.out.printf(Locale.ROOT, "%n| %s restarted after %d of %d jobs accepted (down %d ms) | value |%n|---|---|%n",
                app, jobs / 3, jobs, downtime.toMillis());
            System.out.printf(Locale.ROOT, "| jobs accepted | %d |%n| final statuses | %s |%n", o.jobs(), o.statuses());
            System.out.printf(Locale.ROOT, "| step_results rows / jobs with a row | %d / %d |%n", o.stepResults(), o.jobsWithResults());
            System.out.printf(Locale.ROOT, "| client retries (refused, 429/503, 5xx) | %d |%n", o.retries());
            System.out.printf(Locale.ROOT, "| all accepted after | %.1f s |%n| all ended after | %.1f s (%.1f jobs/s) |%n",
                o.submitSeconds(), o.totalSeconds(), o.jobs() / o.totalSeconds());
            boolean ok = o.jobs() == jobs && o.statuses().getOrDefault("DONE", 0) == jobs && o.stepResults() == jobs;
            System.out.println(ok ? "RESULT: every job DONE, exactly one result each" : "RESULT: FAILED " + o);
            if (!ok) {
                System.exit(1);
            }
        }
        System.exit(0);
    }
}
