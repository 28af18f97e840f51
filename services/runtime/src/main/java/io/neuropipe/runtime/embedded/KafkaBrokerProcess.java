package io.neuropipe.runtime.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft) in a child JVM ({@code kafka.Kafka} on this JVM's class
 * path), so a test can crash it for real ({@link #kill()}: SIGKILL, no shutdown hook, no clean
 * shutdown marker) and start it again on the same log directory and ports ({@link #start()}).
 * Needs the Kafka server jars on {@code java.class.path}, as in a test JVM; not for a fat jar.
 */
public final class KafkaBrokerProcess implements KafkaBroker {

    private static final Logger log = LoggerFactory.getLogger(KafkaBrokerProcess.class);

    private final KRaftNode node;
    private final Thread reaper = new Thread(this::kill, "kafka-broker-process-reaper");
    private Process process;

    public KafkaBrokerProcess(Path dataDir, int brokerPort, int partitions) {
        this.node = new KRaftNode(dataDir, brokerPort, partitions);
    }

    @Override
    public synchronized KafkaBrokerProcess start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        node.prepare();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), "kafka.Kafka", node.propertiesFile().toString());
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(node.dataDir().resolve("broker.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a Kafka broker process", e);
        }
        try {
            Runtime.getRuntime().addShutdownHook(reaper);
        } catch (IllegalArgumentException alreadyRegistered) {
            // started again after a kill: the hook is still registered
        }
        node.awaitReady(Duration.ofSeconds(90));
        log.info("Kafka (KRaft) process {} serving on {}", process.pid(), bootstrapServers());
        return this;
    }

    @Override
    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    /** Crashes the broker: SIGKILL, then waits until the process is gone. Its data stays for {@link #start()}. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(30));
            process = null;
        }
    }

    /** Stops the broker cleanly (SIGTERM: Kafka's own shutdown), or kills it if that takes longer than 30 s. */
    @Override
    public synchronized void close() {
        if (process != null) {
            process.destroy();
            if (!awaitExit(Duration.ofSeconds(30))) {
                process.destroyForcibly();
                awaitExit(Duration.ofSeconds(30));
            }
            process = null;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
