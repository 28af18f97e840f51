package io.neuropipe.runtime.embedded;

import java.nio.file.Path;
import java.time.Duration;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running inside this JVM.
 * Used by the local launcher and by integration tests; production talks to an external cluster.
 */
public final class EmbeddedKafkaBroker implements KafkaBroker {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** Largest record the broker accepts; kept in step with the producers' max.request.size. */
    public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private final KRaftNode node;
    private KafkaRaftServer server;

    public EmbeddedKafkaBroker(Path dataDir, int brokerPort, int partitions) {
        this.node = new KRaftNode(dataDir, brokerPort, partitions);
    }

    @Override
    public EmbeddedKafkaBroker start() {
        server = new KafkaRaftServer(KafkaConfig.fromProps(node.prepare(), false), Time.SYSTEM);
        server.startup();
        node.awaitReady(Duration.ofSeconds(60));
        log.info("Embedded Kafka (KRaft) serving on {}", bootstrapServers());
        return this;
    }

    @Override
    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    static int freePort() {
        return KRaftNode.freePort();
    }
}
