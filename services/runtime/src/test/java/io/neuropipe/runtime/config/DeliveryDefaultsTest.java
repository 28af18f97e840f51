package io.neuropipe.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;

/**
 * The binder settings every service (and the gateway's consumers) inherit, on which the
 * effectively-once guarantee rests: idempotent producers with acks=all, synchronous sends, and an
 * offset committed per record only after the listener — which sends the step's output — returned.
 */
class DeliveryDefaultsTest {

    @Test
    void everyServiceGetsIdempotentAcksAllProducersAndPerRecordCommitsAfterTheOutput() {
        StandardEnvironment env = new StandardEnvironment();
        new RuntimeDefaults().postProcessEnvironment(env, new SpringApplication());

        assertThat(env.getProperty("spring.cloud.stream.kafka.binder.required-acks")).isEqualTo("all");
        assertThat(env.getProperty("spring.cloud.stream.kafka.binder.producer-properties.enable.idempotence")).isEqualTo("true");
        assertThat(env.getProperty("spring.cloud.stream.kafka.default.producer.sync")).isEqualTo("true");
        assertThat(env.getProperty("spring.cloud.stream.kafka.default.consumer.ack-mode")).isEqualTo("record");
        assertThat(env.getProperty("spring.cloud.stream.kafka.default.consumer.enable-dlq")).isEqualTo("true");
        assertThat(env.getProperty("spring.cloud.stream.default.consumer.max-attempts")).isEqualTo("3");
        assertThat(env.getProperty("spring.cloud.stream.default.consumer.back-off-initial-interval")).isEqualTo("200");
    }
}
