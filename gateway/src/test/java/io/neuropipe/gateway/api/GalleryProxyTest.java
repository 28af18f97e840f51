package io.neuropipe.gateway.api;

import static io.neuropipe.gateway.GatewayTestSupport.delete;
import static io.neuropipe.gateway.GatewayTestSupport.get;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static io.neuropipe.gateway.GatewayTestSupport.postBytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.Multipart;
import io.neuropipe.runtime.tenant.TenantHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code /v1/galleries/**} forwarded to the gallery service (a stand-in HTTP server here) behind the API keys. */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class GalleryProxyTest {

    /** What the stand-in service received: method, URI, content type, body and the tenant header. */
    record Seen(String method, String uri, String contentType, byte[] body, List<String> tenant) {
    }

    private static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    private static HttpServer service;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) throws IOException {
        GatewayTestSupport.register(r, "gateway_galleries", true);
        service = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        service.createContext("/v1/galleries", exchange -> {
            SEEN.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestBody().readAllBytes(),
                exchange.getRequestHeaders().getOrDefault(TenantHeader.NAME, List.of())));
            boolean missing = exchange.getRequestURI().getPath().contains("/nope");
            byte[] answer = (missing ? "{\"status\":404,\"detail\":\"No gallery 'nope'\"}" : "{\"galleries\":[]}").getBytes();
            exchange.getResponseHeaders().add("Content-Type", missing ? "application/problem+json" : "application/json");
            if (exchange.getRequestMethod().equals("DELETE")) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                exchange.sendResponseHeaders(missing ? 404 : 200, answer.length);
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        service.start();
        r.add("neuropipe.gateway.galleries.url", () -> "http://localhost:" + service.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        service.stop(0);
    }

    private static Map<String, String> admin() {
        return GatewayTestSupport.bearer(GatewayTestSupport.ADMIN_KEY);
    }

    @Test
    void galleryCallsNeedAKeyAndReachTheServiceUnchanged() {
        int before = SEEN.size();
        assertThat(get(port, "/v1/galleries").status()).isEqualTo(401);
        assertThat(SEEN).hasSize(before);

        var list = get(port, "/v1/galleries/zoo?offset=2&limit=3", admin());
        assertThat(list.status()).isEqualTo(200);
        assertThat(SEEN.get(before).method()).isEqualTo("GET");
        assertThat(SEEN.get(before).uri()).isEqualTo("/v1/galleries/zoo?offset=2&limit=3");

        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xFF};
        Multipart form = new Multipart().file("image", "a.png", "image/png", png).field("label", "a red circle");
        assertThat(postBytes(port, "/v1/galleries/zoo/images", form.contentType(), form.body(), admin()).status()).isEqualTo(200);
        Seen upload = SEEN.get(before + 1);
        assertThat(upload.contentType()).isEqualTo(form.contentType());
        assertThat(Arrays.equals(upload.body(), form.body())).as("multipart forwarded byte for byte").isTrue();

        var missing = get(port, "/v1/galleries/nope", admin());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.body().path("detail").asString()).isEqualTo("No gallery 'nope'");
        assertThat(delete(port, "/v1/galleries/zoo", admin()).status()).isEqualTo(204);
    }

    @Test
    void theServiceLearnsTheKeysTenantFromTheGatewayAndNeverFromTheClient() {
        String key = post(port, "/v1/admin/keys", Map.of("tenant", "lab-g", "name", "k"), admin()).body().path("key").asString();
        int before = SEEN.size();
        Map<String, String> spoofing = new java.util.HashMap<>(GatewayTestSupport.bearer(key));
        spoofing.put(TenantHeader.NAME, "lab-victim");
        assertThat(get(port, "/v1/galleries/private", spoofing).status()).isEqualTo(200);
        assertThat(get(port, "/v1/galleries", admin()).status()).isEqualTo(200);
        assertThat(SEEN.get(before).tenant()).as("the key's tenant, the spoofed header dropped").containsExactly("lab-g");
        assertThat(SEEN.get(before + 1).tenant()).as("the administrator key acts as the default tenant").containsExactly("default");
    }
}
