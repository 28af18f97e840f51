package io.neuropipe.gateway.api;

import static io.neuropipe.gateway.GatewayTestSupport.ADMIN_KEY;
import static io.neuropipe.gateway.GatewayTestSupport.bearer;
import static io.neuropipe.gateway.GatewayTestSupport.get;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.GatewayTestSupport.Response;
import io.neuropipe.gateway.Multipart;
import io.neuropipe.gateway.job.Npy;
import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/**
 * Security checks with auth on: every endpoint found in the request mappings (the gateway's and
 * the actuator's) needs a key unless it is a health/docs/console page; keys are stored only as a
 * SHA-256; list filters are bound as values (SQL injection strings are harmless); upload names
 * that are paths are refused. Tenant isolation and rate limits: {@link TenancyTest}; model
 * checksums: the runtime's ModelRepositoryTest.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=gateway", "neuropipe.gateway.auth.rate-limit.capacity=1000"})
@DirtiesContext
class SecurityTest {

    private static final String DATABASE = "gateway_security";
    /** Paths served without a key (health probes, API description, the console's static page). */
    private static final List<String> OPEN = List.of("/actuator/health", "/actuator/health/**", "/v2/health/**",
        "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/", "/index.html", "/console/**", "/error");
    private static final AntPathMatcher PATHS = new AntPathMatcher();

    @Value("${local.server.port}")
    int port;

    @Autowired
    List<RequestMappingInfoHandlerMapping> mappings;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, DATABASE, true);
    }

    @Test
    void everyMappedEndpointButHealthDocsAndConsoleAnswers401WithoutAKey() {
        Set<String> checked = new TreeSet<>();
        for (RequestMappingHandlerMappingView m : endpoints()) {
            if (OPEN.stream().anyMatch(p -> PATHS.match(p, m.path()))) {
                continue;
            }
            String path = m.path().replaceAll("\\{\\*?[^}]+}", "00000000-0000-0000-0000-000000000001");
            Response r = GatewayTestSupport.exchange(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(m.method(), m.method().equals("GET") || m.method().equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build());
            assertThat(r.status()).as(m.method() + " " + path + " without a key: " + r.raw()).isEqualTo(401);
            checked.add(m.method() + " " + m.path());
        }
        assertThat(checked).contains("POST /v1/jobs", "GET /v1/jobs", "GET /v1/jobs/{id}", "DELETE /v1/jobs/{id}",
            "GET /v1/jobs/{id}/events", "GET /v1/pipelines", "POST /v1/admin/keys", "GET /actuator/prometheus");
        assertThat(checked).hasSizeGreaterThan(12);
    }

    @Test
    void keysAreStoredOnlyAsASha256OfTheirSecret() throws Exception {
        Response issued = post(port, "/v1/admin/keys", Map.of("tenant", "lab-s", "name", "k"), bearer(ADMIN_KEY));
        String key = issued.body().path("key").asString();
        String secret = key.substring("np_".length() + 32 + 1); // np_<32 hex id>_<secret>; the secret may hold '_'
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery(
                "SELECT row_to_json(k)::text, secret_sha256 FROM api_keys k WHERE tenant = 'lab-s'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).doesNotContain(secret).doesNotContain(key);
            assertThat(rs.getBytes(2)).isEqualTo(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        }
        assertThat(get(port, "/v1/pipelines", bearer(key)).status()).isEqualTo(200);
    }

    @Test
    void sqlInjectionStringsInListFiltersAreHarmless() throws Exception {
        String key = post(port, "/v1/admin/keys", Map.of("tenant", "lab-q", "name", "k"), bearer(ADMIN_KEY)).body().path("key").asString();
        Response created = post(port, "/v1/jobs", Map.of("pipeline", "text-generate", "inputs", Map.of("prompt", "hi")), bearer(key));
        assertThat(created.status()).isEqualTo(202);
        List<String> attacks = List.of("' OR '1'='1", "text-generate' --", "x'; DROP TABLE jobs; --", "%' OR tenant LIKE '%",
            "\\'; SELECT pg_sleep(5); --");
        for (String attack : attacks) {
            String q = URLEncoder.encode(attack, StandardCharsets.UTF_8);
            Response byPipeline = get(port, "/v1/jobs?pipeline=" + q, bearer(key));
            assertThat(byPipeline.status()).as(attack).isEqualTo(200);
            assertThat(byPipeline.body().path("items")).as(attack).isEmpty();
            Response byStatus = get(port, "/v1/jobs?status=" + q, bearer(key));
            assertThat(byStatus.status()).as(attack).isEqualTo(400);
            assertThat(get(port, "/v1/jobs?page=" + q, bearer(key)).status()).as(attack).isEqualTo(400);
        }
        assertThat(get(port, "/v1/jobs", bearer(key)).body().path("items")).hasSize(1);
        try (Connection db = db(); ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM jobs")) {
            rs.next();
            assertThat(rs.getLong(1)).isPositive();
        }
    }

    @Test
    void uploadNamesThatArePathsAreRefused() {
        String key = post(port, "/v1/admin/keys", Map.of("tenant", "lab-u", "name", "k"), bearer(ADMIN_KEY)).body().path("key").asString();
        byte[] npy = Npy.write(Tensors.ofFloats(new float[63 * 250], 63, 250));
        for (String name : List.of("../../etc/passwd", "..\\..\\windows\\x.npy", "/etc/passwd", "a/../../b.edf", "x\u0000.npy")) {
            Multipart form = new Multipart().field("pipeline", "eeg-encode").file("eeg", name, "application/octet-stream", npy);
            Response r = GatewayTestSupport.postMultipart(port, form, bearer(key));
            assertThat(r.status()).as(name + ": " + r.raw()).isEqualTo(400);
            assertThat(r.body().path("type").asString()).endsWith("/invalid-input");
            // Tomcat itself refuses a NUL in a file name; the gateway refuses the paths
            assertThat(r.raw()).contains("file name");
        }
        Multipart ok = new Multipart().field("pipeline", "eeg-encode").file("eeg", "trial.npy", "application/octet-stream", npy);
        assertThat(GatewayTestSupport.postMultipart(port, ok, bearer(key)).status()).isEqualTo(202);
    }

    /** One method + path pattern of a request mapping. */
    private record RequestMappingHandlerMappingView(String method, String path) {
    }

    private List<RequestMappingHandlerMappingView> endpoints() {
        List<RequestMappingHandlerMappingView> out = new ArrayList<>();
        for (RequestMappingInfoHandlerMapping mapping : mappings) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String path : info.getPatternValues()) {
                    if (methods.isEmpty()) {
                        out.add(new RequestMappingHandlerMappingView("GET", path));
                    }
                    methods.forEach(m -> out.add(new RequestMappingHandlerMappingView(m.name(), path)));
                }
            }
        }
        return out;
    }

    private static Connection db() throws Exception {
        return DriverManager.getConnection(SharedInfrastructure.postgres().jdbcUrl(DATABASE), EmbeddedPostgresServer.USER, "");
    }
}
