package io.neuropipe.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.neuropipe.gateway.config.GatewayProperties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

class KafkaPublisherConfigTest {

    @Test
    void theRelayProducerIsIdempotentWithAcksAllWhateverSpringKafkaSays() {
        KafkaProperties kafka = new KafkaProperties();
        kafka.getProducer().setAcks("1");
        kafka.getProducer().getProperties().put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        kafka.getProducer().getProperties().put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        GatewayProperties gateway = new GatewayProperties(Path.of("models"), "default", Duration.ofSeconds(60),
            Duration.ofMinutes(10), 1 << 22, Duration.ofSeconds(30), Duration.ZERO,
            new GatewayProperties.Topics("neuropipe.step.", "neuropipe.jobs.results", "neuropipe.jobs.cancel"),
            new GatewayProperties.Relay(100, Duration.ofSeconds(1), Duration.ofSeconds(10), 0));

        Map<String, Object> config = KafkaPublisher.config(kafka, gateway);

        assertThat(config).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
            .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
            .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    }
}
