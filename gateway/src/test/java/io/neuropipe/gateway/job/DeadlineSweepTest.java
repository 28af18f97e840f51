package io.neuropipe.gateway.job;

import static io.neuropipe.gateway.GatewayTestSupport.awaitJson;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=gateway", "neuropipe.gateway.deadline-grace=0s",
        "neuropipe.gateway.relay.sweep-interval=100ms"})
@DirtiesContext
class DeadlineSweepTest {

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_deadline");
    }

    @Test
    void aJobWithoutResultsFailsOnceItsDeadlinePassed() throws Exception {
        try (var results = GatewayTestSupport.consumer("neuropipe.jobs.results")) {
            var r = post(port, "/v1/jobs", Map.of("pipeline", "text-generate", "inputs", Map.of("prompt", "Hi"),
                "params", Map.of("timeout_ms", 50)), Map.of());
            assertThat(r.status()).isEqualTo(202);
            String id = r.body().path("id").asString();

            JsonNode job = awaitJson(port, "/v1/jobs/" + id, j -> j.path("status").asString().equals("FAILED"));
            assertThat(job.path("error").path("code").asString()).isEqualTo("DEADLINE_EXCEEDED");
            JobEvent status = JobEvent.parseFrom(GatewayTestSupport.await(results, rec -> id.equals(rec.key())).value());
            assertThat(status.getStatus().getStatus()).isEqualTo(JobStatus.JOB_FAILED);
            assertThat(status.getStatus().getReason()).startsWith("DEADLINE_EXCEEDED");
        }
    }
}
