package io.neuropipe.runtime.embedded;

/** A local single-node Kafka broker, in this JVM ({@link EmbeddedKafkaBroker}) or a child one ({@link KafkaBrokerProcess}). */
public interface KafkaBroker extends AutoCloseable {

    /** Starts the broker (formatting its log directory on first use) and returns once it serves requests. */
    KafkaBroker start();

    String bootstrapServers();

    /** Stops the broker; its data stays, so {@link #start()} brings the same topics and offsets back. */
    @Override
    void close();
}
