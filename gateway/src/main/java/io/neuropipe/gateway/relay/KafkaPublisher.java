package io.neuropipe.gateway.relay;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;

import io.neuropipe.gateway.config.GatewayProperties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/** The relay's Kafka producer, configured from {@code spring.kafka.*} (bootstrap servers, security, producer). */
@Component
public class KafkaPublisher implements DisposableBean {

    private static final int DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private final Producer<String, byte[]> producer;

    public KafkaPublisher(KafkaProperties kafka, GatewayProperties gateway) {
        this.producer = new KafkaProducer<>(config(kafka, gateway));
    }

    /**
     * {@code spring.kafka.producer.*}, except what the delivery guarantee needs: every record
     * acknowledged by all in-sync replicas, and an idempotent producer so a retried send is not
     * written twice.
     */
    static Map<String, Object> config(KafkaProperties kafka, GatewayProperties gateway) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DEFAULT_MAX_REQUEST_BYTES);
        config.put(ProducerConfig.LINGER_MS_CONFIG, gateway.relay().lingerMs());
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "neuropipe-gateway-relay");
        return config;
    }

    Future<RecordMetadata> send(OutboxMessage m) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(m.topic(), m.key(), m.payload());
        m.headers().forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        return producer.send(record);
    }

    @Override
    public void destroy() {
        producer.close();
    }
}
