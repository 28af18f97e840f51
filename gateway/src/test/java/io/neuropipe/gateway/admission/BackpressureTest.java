package io.neuropipe.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A bounded loopback load against a gateway with no service behind it (every accepted job stays
 * queued): beyond {@code max-open-jobs} submissions are refused with 503 + Retry-After, and
 * accepted again once queued work has ended.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=gateway", "neuropipe.gateway.backpressure.max-open-jobs=5",
        "neuropipe.gateway.backpressure.refresh=50ms", "neuropipe.gateway.backpressure.retry-after=3s"})
@DirtiesContext
class BackpressureTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String JOB = "{\"pipeline\":\"text-generate\",\"inputs\":{\"prompt\":\"Hi\"}}";

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_backpressure");
    }

    @Test
    void beyondTheBoundSubmissionsGet503WithRetryAfterUntilQueuedWorkEnds() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<HttpResponse<String>> responses = new ArrayList<>();
        try {
            List<Future<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(clients.submit((Callable<HttpResponse<String>>) this::submit));
            }
            for (Future<HttpResponse<String>> f : calls) {
                responses.add(f.get());
            }
        } finally {
            clients.shutdownNow();
        }
        List<HttpResponse<String>> accepted = responses.stream().filter(r -> r.statusCode() == 202).toList();
        List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() == 503).toList();
        assertThat(accepted).hasSize(5);
        assertThat(refused).hasSize(35);
        HttpResponse<String> one = refused.get(0);
        assertThat(one.headers().firstValue("Retry-After")).hasValue("3");
        assertThat(one.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        JsonNode problem = GatewayTestSupport.JSON.readTree(one.body());
        assertThat(problem.path("type").asString()).endsWith("/overloaded");
        // a job committed during a refresh is briefly counted both as open and as in flight (never under-counted)
        assertThat(problem.path("detail").asString()).containsPattern("([5-9]|[1-9][0-9]) jobs are queued or running \\(bound 5\\)");
        assertThat(count("SELECT count(*) FROM jobs")).isEqualTo(5);

        for (HttpResponse<String> r : accepted) {
            String id = GatewayTestSupport.JSON.readTree(r.body()).path("id").asString();
            assertThat(GatewayTestSupport.delete(port, "/v1/jobs/" + id, Map.of()).status()).isLessThan(300);
        }
        long end = System.nanoTime() + 10_000_000_000L;
        HttpResponse<String> again = submit();
        while (again.statusCode() == 503 && System.nanoTime() < end) {
            again = submit();
        }
        assertThat(again.statusCode()).isEqualTo(202);
    }

    private HttpResponse<String> submit() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/jobs"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JOB)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private long count(String sql) throws Exception {
        var pg = io.neuropipe.runtime.embedded.SharedInfrastructure.postgres();
        try (var c = java.sql.DriverManager.getConnection(pg.jdbcUrl("gateway_backpressure"),
                io.neuropipe.runtime.embedded.EmbeddedPostgresServer.USER, "");
             var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
