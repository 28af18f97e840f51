package io.neuropipe.local.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Start-up time and resident memory of the README's launcher: starts
 * {@code java -jar local/target/neuropipe-local.jar} as a child process on free ports and a fresh
 * data directory, times it until it prints that it is up, reads its resident set size from
 * /proc, then stops it with SIGTERM and checks that it exits cleanly. Runs {@code runs} times.
 */
public final class StartupBenchmark {

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("neuropipe.root", "..")).toAbsolutePath().normalize();
        int runs = Integer.getInteger("bench.runs", 3);
        System.out.println("| run | start-up (s) | resident memory after start (MB) | clean shutdown |");
        System.out.println("|---|---|---|---|");
        for (int run = 1; run <= runs; run++) {
            Path data = Files.createTempDirectory("neuropipe-startup-");
            ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", root.resolve("local/target/neuropipe-local.jar").toString(),
                "--data-dir=" + data, "--models=" + root.resolve("models/repository"), "--port=0", "--kafka-port=0",
                "--postgres-port=0")).redirectErrorStream(true).directory(root.toFile());
            long start = System.nanoTime();
            Process p = pb.start();
            java.util.concurrent.CountDownLatch up = new java.util.concurrent.CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.contains("NeuroPipe is up")) {
                            up.countDown();
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the child's output closes when it stops
                }
            }, "startup-output");
            reader.setDaemon(true);
            reader.start();
            try {
                boolean started = up.await(180, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - start) / 1e9;
                long rssKb = rssKb(p.pid());
                p.destroy();
                boolean exited = p.waitFor(60, TimeUnit.SECONDS);
                System.out.printf(Locale.ROOT, "| %d | %s | %d | %s |%n", run, started ? String.format(Locale.ROOT, "%.1f", seconds)
                    : "not up in 180 s", rssKb / 1024, exited ? "exit " + p.exitValue() : "did not exit in 60 s");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
