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

    /** A stored message with its row id. */
    record Row(long id, OutboxMessage message) {
    }

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

    /** Locks up to {@code limit} of the oldest rows that no other relay holds. */
    @Transactional(propagation = Propagation.MANDATORY)
    List<Row> claim(int limit) {
        return jdbc.sql("SELECT id, topic, key, payload, headers::text AS headers FROM outbox "
                + "ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")
            .param(limit)
            .query((rs, n) -> new Row(rs.getLong("id"), new OutboxMessage(
                rs.getString("topic"), rs.getString("key"), rs.getBytes("payload"), headers(rs.getString("headers")))))
            .list();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void delete(List<Row> rows) {
        Long[] ids = rows.stream().map(Row::id).toArray(Long[]::new);
        jdbc.sql("DELETE FROM outbox WHERE id = ANY(?)").param(ids).update();
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> headers(String text) {
        return text == null ? Map.of() : json.readValue(text, Map.class);
    }
}
