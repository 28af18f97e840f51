package io.neuropipe.gateway.api;

import static io.neuropipe.gateway.GatewayTestSupport.get;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** OIP v2 calls forwarded to the service configured for the model (a stand-in HTTP server here). */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class OipProxyTest {

    private static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static HttpServer service;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) throws IOException {
        GatewayTestSupport.register(r, "gateway_oip", true);
        service = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        service.createContext("/v2/models/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            SEEN.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body);
            boolean infer = exchange.getRequestURI().getPath().endsWith("/infer");
            byte[] answer = (infer ? "{\"model_name\":\"affine\",\"outputs\":[{\"name\":\"y\",\"datatype\":\"FP32\","
                + "\"shape\":[1,2],\"data\":[4.5,4.5]}]}" : "{\"error\":\"Model affine has no version 9\"}")
                .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(infer ? 200 : 404, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        service.start();
        r.add("neuropipe.gateway.oip.models.affine", () -> "http://localhost:" + service.getAddress().getPort());
        r.add("neuropipe.gateway.oip.models.offline", () -> "http://localhost:1");
    }

    @AfterAll
    static void stop() {
        service.stop(0);
    }

    private static Map<String, String> admin() {
        return GatewayTestSupport.bearer(GatewayTestSupport.ADMIN_KEY);
    }

    @Test
    void modelCallsGoToTheServiceServingTheModel() {
        assertThat(get(port, "/v2/health/live").status()).as("health needs no key").isEqualTo(200);
        assertThat(get(port, "/v2/health/ready").status()).isEqualTo(200);
        assertThat(get(port, "/v2/models/affine").status()).as("models need a key").isEqualTo(401);
        assertThat(get(port, "/v2", admin()).body().path("name").asString()).isEqualTo("neuropipe-gateway");

        String request = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,3],\"datatype\":\"FP32\",\"data\":[1,2,3]}]}";
        var infer = post(port, "/v2/models/affine/versions/1/infer", request, admin());
        assertThat(infer.status()).isEqualTo(200);
        assertThat(infer.body().path("outputs").get(0).path("data").toString()).isEqualTo("[4.5,4.5]");
        assertThat(SEEN).contains("POST /v2/models/affine/versions/1/infer " + request);

        var missing = get(port, "/v2/models/affine/versions/9", admin());
        assertThat(missing.status()).as("the service's own answer passes through").isEqualTo(404);
        assertThat(missing.body().path("error").asString()).contains("no version 9");
    }

    @Test
    void unknownModelsAndUnreachableServicesAreOipErrors() {
        var unknown = get(port, "/v2/models/nothing/ready", admin());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("error").asString()).contains("No model 'nothing'");
        assertThat(get(port, "/v2/models/affine/delete", admin()).status()).isEqualTo(404);
        assertThat(post(port, "/v2/models/affine/ready", "{}", admin()).status()).isEqualTo(404);
        var offline = get(port, "/v2/models/offline", admin());
        assertThat(offline.status()).isEqualTo(503);
        assertThat(offline.body().path("error").asString()).contains("unreachable");
    }
}
