package io.neuropipe.gateway.relay;

import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.ObjectMapper;

/**
 * The outbox table. {@link #append} joins the caller's transaction, so a message exists exactly
 * when the state change that produced it committed; the relay is woken right after that commit.
 */
@Component
public class Outbox {

    private final JdbcClient jdbc;
    private final OutboxSignal signal;
    private final ObjectMapper json;

    public Outbox(JdbcClient jdbc, OutboxSignal signal, ObjectMapper json) {
        this.jdbc = jdbc;
        this.signal = signal;
        this.json = json;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void append(OutboxMessage m) {
        jdbc.sql("INSERT INTO outbox (topic, key, payload, headers) VALUES (?, ?, ?, ?::jsonb)")
            .params(m.topic(), m.key(), m.payload(), json.writeValueAsString(m.headers()))
            .update();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    signal.wake();
                }
            });
        }
    }

    /**
     * Deletes and returns up to {@code limit} of the oldest rows no other relay holds. The rows stay
     * locked, and come back if the transaction rolls back (e.g. Kafka did not acknowledge them).
     * Returned oldest first, so a job's records keep the order they were written in.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    List<OutboxMessage> take(int limit) {
        return jdbc.sql("DELETE FROM outbox WHERE id IN "
                + "(SELECT id FROM outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) "
                + "RETURNING id, topic, key, payload, headers::text AS headers")
            .param(limit)
            .query((rs, n) -> Map.entry(rs.getLong("id"), new OutboxMessage(rs.getString("topic"), rs.getString("key"),
                rs.getBytes("payload"), headers(rs.getString("headers")))))
            .stream()
            .sorted(Map.Entry.comparingByKey())
            .map(Map.Entry::getValue)
            .toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> headers(String text) {
        return text == null ? Map.of() : json.readValue(text, Map.class);
    }
}
