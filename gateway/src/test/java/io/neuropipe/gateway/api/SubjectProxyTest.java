package io.neuropipe.gateway.api;

import static io.neuropipe.gateway.GatewayTestSupport.get;
import static io.neuropipe.gateway.GatewayTestSupport.postBytes;
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

/** {@code /v1/subjects/**} behind the gateway's keys, forwarded to the encoder (a stand-in HTTP server here). */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class SubjectProxyTest {

    private static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static final List<String> BODIES = new CopyOnWriteArrayList<>();
    private static HttpServer encoder;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) throws IOException {
        GatewayTestSupport.register(r, "gateway_subjects", true);
        encoder = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        encoder.createContext("/v1/subjects", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            BODIES.add(new String(in, StandardCharsets.UTF_8));
            SEEN.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                + exchange.getRequestHeaders().getFirst("Content-Type") + " " + in.length);
            String path = exchange.getRequestURI().getPath();
            int status = path.endsWith("/nobody") ? 404 : "POST".equals(exchange.getRequestMethod()) ? 201 : 200;
            String type = status == 404 ? "application/problem+json" : "application/json";
            byte[] answer = (status == 404 ? "{\"type\":\"https://neuropipe.io/problems/subject-not-found\",\"status\":404}"
                : status == 201 ? "{\"id\":\"subj05\"}" : "[{\"id\":\"subj01\"}]").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", type);
            if (status == 201) {
                exchange.getResponseHeaders().add("Location", "/v1/subjects/subj05");
            }
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        encoder.start();
        r.add("neuropipe.gateway.subjects.url", () -> "http://localhost:" + encoder.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        encoder.stop(0);
    }

    private static Map<String, String> key() {
        return GatewayTestSupport.bearer(GatewayTestSupport.ADMIN_KEY);
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void subjectCallsNeedAKeyAndReachTheEncoder() {
        assertThat(get(port, "/v1/subjects").status()).isEqualTo(401);
        var list = get(port, "/v1/subjects", key());
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().get(0).path("id").asString()).isEqualTo("subj01");
        var missing = get(port, "/v1/subjects/nobody", key());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).contains("application/problem+json");
        assertThat(missing.body().path("type").asString()).endsWith("subject-not-found");

        byte[] form = ("--x\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"id\":\"subj05\"}"
            + "\r\n--x\r\nContent-Disposition: form-data; name=\"adapter\"; filename=\"model.onnx\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\nONNX-BYTES\r\n--x--\r\n").getBytes(StandardCharsets.UTF_8);
        var created = postBytes(port, "/v1/subjects", "multipart/form-data; boundary=x", form, key());
        assertThat(created.status()).isEqualTo(201);
        assertThat(BODIES).anySatisfy(b -> assertThat(b).contains("name=\"metadata\"", "{\"id\":\"subj05\"}",
            "filename=\"model.onnx\"", "ONNX-BYTES"));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void anUnreachableEncoderIsA503Problem() {
        encoder.stop(0);
        var down = get(port, "/v1/subjects", key());
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body().path("type").asString()).endsWith("/unavailable");
    }
}
