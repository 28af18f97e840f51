package io.neuropipe.gateway.relay;

import static io.neuropipe.gateway.GatewayTestSupport.fp32;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.job.JobIds;
import io.neuropipe.proto.v1.StepEnvelope;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class OutboxTransactionTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcClient jdbc;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_outbox");
    }

    private int count(String table, String column, String value) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE " + column + "::text = ?").param(value)
            .query(Integer.class).single();
    }

    @Test
    void aRejectedOutboxInsertLeavesNeitherJobNorOutboxRow() {
        String key = "doomed-" + UUID.randomUUID();
        String id = JobIds.forRequest("default", key).toString();
        jdbc.sql("""
            CREATE OR REPLACE FUNCTION reject_doomed() RETURNS trigger AS $$
            BEGIN
              IF NEW.key = '%s' THEN RAISE EXCEPTION 'outbox rejects %s'; END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql""".formatted(id, id)).update();
        jdbc.sql("CREATE OR REPLACE TRIGGER reject_doomed BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION reject_doomed()")
            .update();
        try {
            var r = post(port, "/v1/jobs", Map.of("pipeline", "eeg-to-image", "inputs", Map.of("eeg", fp32(63, 250))),
                Map.of("Idempotency-Key", key));
            assertThat(r.status()).isGreaterThanOrEqualTo(500);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(count("jobs", "id", id)).isZero();
            assertThat(count("outbox", "key", id)).isZero();
        } finally {
            jdbc.sql("DROP TRIGGER reject_doomed ON outbox").update();
        }
    }

    @Test
    void aCommittedJobIsPublishedAndLeavesTheOutbox() throws Exception {
        try (var encode = GatewayTestSupport.consumer("neuropipe.step.encode")) {
            var r = post(port, "/v1/jobs", Map.of("pipeline", "eeg-to-image", "inputs", Map.of("eeg", fp32(63, 250))),
                Map.of());
            assertThat(r.status()).isEqualTo(202);
            String id = r.body().path("id").asString();
            assertThat(count("jobs", "id", id)).isEqualTo(1);
            StepEnvelope env = StepEnvelope.parseFrom(GatewayTestSupport.await(encode, rec -> id.equals(rec.key())).value());
            assertThat(env.getJobId()).isEqualTo(id);
            Awaitility.await().atMost(GatewayTestSupport.WAIT).until(() -> count("outbox", "key", id) == 0);
        }
    }

    @Test
    void rowsLeftInTheOutboxArePublishedByTheSweep() throws Exception {
        String key = UUID.randomUUID().toString();
        try (var probe = GatewayTestSupport.consumer("neuropipe.step.sweep-probe")) {
            jdbc.sql("INSERT INTO outbox (topic, key, payload) VALUES ('neuropipe.step.sweep-probe', ?, ?)")
                .params(key, new byte[] {7}).update();
            assertThat(GatewayTestSupport.await(probe, rec -> key.equals(rec.key())).value()).containsExactly(7);
        }
        Awaitility.await().atMost(GatewayTestSupport.WAIT).until(() -> count("outbox", "key", key) == 0);
    }
}
