package io.neuropipe.gateway.relay;

import java.util.Map;

/**
 * A record to publish to Kafka once the transaction that wrote it commits.
 *
 * @param topic   destination topic
 * @param key     record key (the job id, so a job's records stay in one partition)
 * @param payload protobuf bytes
 * @param headers record headers (UTF-8 values)
 */
public record OutboxMessage(String topic, String key, byte[] payload, Map<String, String> headers) {

    public OutboxMessage {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public OutboxMessage(String topic, String key, byte[] payload) {
        this(topic, key, payload, Map.of());
    }
}
