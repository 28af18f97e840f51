package io.neuropipe.gateway.job;

import static io.neuropipe.gateway.GatewayTestSupport.awaitJson;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobStatus;
import io.neuropipe.proto.v1.StepResult;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class DeadlineSweepTest {

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_deadline");
    }

    /** With the default settings, and no service consuming the step topic at all. */
    @Test
    void aJobWithoutResultsFailsWithinOneSecondOfItsDeadlineAndALateResultDoesNotReviveIt() throws Exception {
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
            Instant deadline = Instant.parse(job.path("deadline").asString());
            Instant finished = Instant.parse(job.path("finished").asString());
            assertThat(Duration.between(deadline, finished)).isPositive().isLessThan(Duration.ofSeconds(1));

            // a service that ran the step anyway (it would not: StepRunner checks the deadline) changes nothing
            GatewayTestSupport.send("neuropipe.job-events", id, JobEvent.newBuilder().setJobId(id).setStepId("decode")
                .setStep("decode").setResult(StepResult.newBuilder().setLeaf(true)).build().toByteArray());
            JsonNode after = awaitJson(port, "/v1/jobs/" + id, j -> j.path("steps").toString().contains("DONE"));
            assertThat(after.path("status").asString()).isEqualTo("FAILED");
            assertThat(after.path("finished").asString()).isEqualTo(job.path("finished").asString());
        }
    }
}
