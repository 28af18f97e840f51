package io.neuropipe.runtime.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * The layout of one single-node KRaft broker (combined broker + controller): its ports, its
 * {@code server.properties} and its formatted log directory. The ports are fixed when the node is
 * created, so a broker started again on the same node comes back where its clients expect it.
 */
final class KRaftNode {

    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final int partitions;

    KRaftNode(Path dataDir, int brokerPort, int partitions) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort == 0 ? freePort() : brokerPort;
        this.controllerPort = freePort();
        this.partitions = partitions;
    }

    Path dataDir() {
        return dataDir;
    }

    String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    /** Writes {@code server.properties} and formats the log directory on first use; returns the properties. */
    Properties prepare() {
        try {
            Files.createDirectories(dataDir);
            Path logDir = dataDir.resolve("kraft-logs");
            Properties props = serverProperties(logDir);
            try (OutputStream out = Files.newOutputStream(propertiesFile())) {
                props.store(out, "NeuroPipe embedded Kafka (KRaft combined mode)");
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(propertiesFile());
            }
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Kafka data directory " + dataDir, e);
        }
    }

    Path propertiesFile() {
        return dataDir.resolve("server.properties");
    }

    private Properties serverProperties(Path logDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", Integer.toString(partitions));
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", Integer.toString(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", Integer.toString(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES));
        p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.put("log.retention.hours", "24");
        return p;
    }

    private static void format(Path propsFile) {
        // StorageTool.main calls System.exit; execute returns a status instead.
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        int rc = StorageTool.execute(new String[] {
            "format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString(), "--ignore-formatted"
        }, quiet);
        if (rc != 0) {
            throw new IllegalStateException("Formatting the KRaft log directory failed with status " + rc);
        }
    }

    /** Waits until the broker answers a metadata request. */
    void awaitReady(Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka on " + bootstrapServers() + " did not become ready in " + timeout, e);
                    }
                }
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
