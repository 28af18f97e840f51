package io.neuropipe.gateway.api;

import static io.neuropipe.gateway.GatewayTestSupport.ADMIN_KEY;
import static io.neuropipe.gateway.GatewayTestSupport.await;
import static io.neuropipe.gateway.GatewayTestSupport.bearer;
import static io.neuropipe.gateway.GatewayTestSupport.delete;
import static io.neuropipe.gateway.GatewayTestSupport.fp32;
import static io.neuropipe.gateway.GatewayTestSupport.get;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.GatewayTestSupport.Response;
import io.neuropipe.gateway.Multipart;
import io.neuropipe.gateway.SseClient;
import io.neuropipe.gateway.job.Npy;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.Tensor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** API keys, tenant isolation, rate limits, idempotency conflicts, request limits and uploads, with auth on. */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.config.name=gateway", "neuropipe.gateway.auth.rate-limit.capacity=12",
        "neuropipe.gateway.auth.rate-limit.refill-per-second=1", "neuropipe.gateway.limits.max-body-bytes=1000000",
        "neuropipe.gateway.limits.max-tensor-elements=20000", "neuropipe.gateway.limits.max-files=2",
        "neuropipe.gateway.limits.max-file-bytes=200000"})
@DirtiesContext
class TenancyTest {

    private static KafkaConsumer<String, byte[]> encodeTopic;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_tenancy", true);
    }

    @BeforeAll
    static void subscribe() {
        encodeTopic = GatewayTestSupport.consumer("neuropipe.step.encode");
    }

    @AfterAll
    static void close() {
        encodeTopic.close();
    }

    private String issue(String tenant) {
        Response r = post(port, "/v1/admin/keys", Map.of("tenant", tenant, "name", "test"), bearer(ADMIN_KEY));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        assertThat(r.body().path("tenant").asString()).isEqualTo(tenant);
        return r.body().path("key").asString();
    }

    private static void assertProblem(Response r, int status, String type) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body().path("type").asString()).isEqualTo("https://neuropipe.io/problems/" + type);
    }

    private static Map<String, Object> eegJob() {
        return Map.of("pipeline", "eeg-to-image", "inputs", Map.of("eeg", fp32(63, 250)));
    }

    @Test
    void everyNonHealthEndpointNeedsAKeyAndOnlyTheAdminManagesKeys() {
        assertProblem(get(port, "/v1/pipelines"), 401, "unauthorized");
        assertProblem(get(port, "/v1/jobs"), 401, "unauthorized");
        assertProblem(get(port, "/v1/pipelines", bearer("np_00000000000000000000000000000000_"
            + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")), 401, "unauthorized");
        assertProblem(post(port, "/v1/jobs", eegJob(), Map.of()), 401, "unauthorized");
        assertThat(get(port, "/actuator/health").status()).isEqualTo(200);

        String key = issue("lab-h");
        assertThat(get(port, "/v1/pipelines", bearer(key)).status()).isEqualTo(200);
        assertThat(get(port, "/v1/pipelines", Map.of("X-API-Key", key)).status()).isEqualTo(200);
        assertProblem(get(port, "/v1/admin/keys", bearer(key)), 403, "forbidden");
        assertProblem(post(port, "/v1/admin/keys", Map.of("tenant", "x"), bearer(key)), 403, "forbidden");

        Response listed = get(port, "/v1/admin/keys?tenant=lab-h", bearer(ADMIN_KEY));
        assertThat(listed.body().size()).isEqualTo(1);
        assertThat(listed.body().get(0).has("key")).as("secrets are never listed").isFalse();
        String id = listed.body().get(0).path("id").asString();
        assertProblem(post(port, "/v1/admin/keys", Map.of("tenant", "../etc"), bearer(ADMIN_KEY)), 400, "invalid-input");

        assertThat(delete(port, "/v1/admin/keys/" + id, bearer(ADMIN_KEY)).status()).isEqualTo(204);
        assertProblem(get(port, "/v1/pipelines", bearer(key)), 401, "unauthorized");
        assertProblem(delete(port, "/v1/admin/keys/" + id, bearer(ADMIN_KEY)), 404, "key-not-found");
    }

    @Test
    void aTenantNeverSeesAnotherTenantsJobs() throws Exception {
        String a = issue("lab-a");
        String b = issue("lab-b");
        Response created = post(port, "/v1/jobs", eegJob(), bearer(a));
        assertThat(created.status()).as(created.raw()).isEqualTo(202);
        String id = created.body().path("id").asString();
        StepEnvelope env = StepEnvelope.parseFrom(await(encodeTopic, rec -> id.equals(rec.key())).value());
        assertThat(env.getTenant()).isEqualTo("lab-a");

        assertThat(get(port, "/v1/jobs/" + id, bearer(a)).body().path("tenant").asString()).isEqualTo("lab-a");
        assertProblem(get(port, "/v1/jobs/" + id, bearer(b)), 404, "job-not-found");
        assertProblem(get(port, "/v1/jobs/" + id + "?wait=1s", bearer(b)), 404, "job-not-found");
        assertProblem(get(port, "/v1/jobs/" + id + "/artifacts/eeg", bearer(b)), 404, "job-not-found");
        assertThat(get(port, "/v1/jobs/" + id + "/artifacts/eeg", bearer(a)).status()).isEqualTo(200);
        try (SseClient sse = new SseClient(port, "/v1/jobs/" + id + "/events", bearer(b))) {
            assertThat(sse.status()).isEqualTo(404);
        }
        assertProblem(delete(port, "/v1/jobs/" + id, bearer(b)), 404, "job-not-found");
        assertThat(get(port, "/v1/jobs", bearer(b)).body().path("items").findValuesAsString("id")).doesNotContain(id);
        assertThat(get(port, "/v1/jobs", bearer(a)).body().path("items").findValuesAsString("id")).contains(id);
        assertThat(delete(port, "/v1/jobs/" + id, bearer(a)).body().path("status").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void aReusedIdempotencyKeyReturnsTheJobButNotForAnotherRequest() {
        String a = issue("lab-i");
        String b = issue("lab-j");
        Map<String, String> headers = new HashMap<>(bearer(a));
        headers.put("Idempotency-Key", "retry-1");
        Response first = post(port, "/v1/jobs", eegJob(), headers);
        assertThat(first.status()).isEqualTo(202);
        Response again = post(port, "/v1/jobs", eegJob(), headers);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("id").asString()).isEqualTo(first.body().path("id").asString());

        Response other = post(port, "/v1/jobs", Map.of("pipeline", "eeg-to-image", "inputs", Map.of("eeg", fp32(63, 250)),
            "params", Map.of("seed", 7)), headers);
        assertProblem(other, 422, "idempotency-key-reused");
        assertThat(other.body().path("field").asString()).isEqualTo("Idempotency-Key");

        Map<String, String> otherTenant = new HashMap<>(bearer(b));
        otherTenant.put("Idempotency-Key", "retry-1");
        Response theirs = post(port, "/v1/jobs", eegJob(), otherTenant);
        assertThat(theirs.status()).as("keys are per tenant").isEqualTo(202);
        assertThat(theirs.body().path("id").asString()).isNotEqualTo(first.body().path("id").asString());
    }

    @Test
    void anEmptyBucketAnswers429WithRetryAfter() throws Exception {
        String key = issue("lab-r");
        int ok = 0;
        Response limited = null;
        long started = System.nanoTime();
        for (int i = 0; i < 200 && limited == null; i++) {
            Response r = get(port, "/v1/pipelines", bearer(key));
            if (r.status() == 429) {
                limited = r;
            } else {
                ok++;
            }
        }
        assertThat(limited).as("429 after the burst").isNotNull();
        // the bucket refills at 1/s while the burst runs, so a slow (loaded) machine earns extra requests
        long refilled = (System.nanoTime() - started) / 1_000_000_000L + 1;
        assertThat(ok).isBetween(12, 12 + (int) refilled);
        assertProblem(limited, 429, "rate-limited");
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/pipelines"))
            .header("Authorization", "Bearer " + key).GET().build();
        var raw = java.net.http.HttpClient.newHttpClient().send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(raw.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 2L);
        assertThat(get(port, "/v1/pipelines", bearer(issue("lab-s"))).status()).as("other keys unaffected").isEqualTo(200);
    }

    @Test
    void limitsAreEnforcedBeforeWorkStarts() {
        String key = issue("lab-l");
        byte[] big = ("{\"pipeline\":\"eeg-to-image\",\"pad\":\"" + "x".repeat(1_100_000) + "\"}")
            .getBytes(StandardCharsets.UTF_8);
        Response declared = GatewayTestSupport.postBytes(port, "/v1/jobs", "application/json", big, bearer(key));
        assertProblem(declared, 413, "too-large");
        assertThat(declared.body().path("limit").asLong()).isEqualTo(1_000_000);

        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/jobs"))
            .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        assertProblem(GatewayTestSupport.exchange(chunked), 413, "too-large");

        Response elements = post(port, "/v1/jobs", Map.of("pipeline", "eeg-to-image",
            "inputs", Map.of("eeg", fp32(2, 63, 250))), bearer(key));
        assertProblem(elements, 400, "invalid-input");
        assertThat(elements.body().path("detail").asString()).contains("limit of 20000 elements");

        Multipart three = new Multipart().field("pipeline", "brain-decode-all")
            .file("eeg", "a.npy", "application/octet-stream", npy(63, 250))
            .file("prompt", "b.npy", "application/octet-stream", npy(1))
            .file("other", "c.npy", "application/octet-stream", npy(1));
        Response files = GatewayTestSupport.postMultipart(port, three, bearer(key));
        assertProblem(files, 413, "too-large");
        assertThat(files.body().path("field").asString()).isEqualTo("files");

        Multipart huge = new Multipart().field("pipeline", "eeg-to-image")
            .file("eeg", "rec.edf", "application/octet-stream", new byte[250_000]);
        assertProblem(GatewayTestSupport.postMultipart(port, huge, bearer(key)), 413, "too-large");

        Response garbled = GatewayTestSupport.postBytes(port, "/v1/jobs", "multipart/form-data; boundary=xyz",
            "--xyz\r\nContent-Disposition: form-data; name=\"eeg\"; filename=\"a.npy\"\r\n\r\nunterminated"
                .getBytes(StandardCharsets.UTF_8), bearer(key));
        assertThat(garbled.status()).as(garbled.raw()).isEqualTo(400);
        assertThat(garbled.contentType()).startsWith("application/problem+json");

        Multipart text = new Multipart().field("pipeline", "eeg-to-image")
            .file("eeg", "notes.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        Response bad = GatewayTestSupport.postMultipart(port, text, bearer(key));
        assertProblem(bad, 400, "invalid-input");
        assertThat(bad.body().path("field").asString()).isEqualTo("files.eeg");
    }

    @Test
    void uploadedFilesBecomeInputsAndArtifacts() throws Exception {
        String key = issue("lab-u");
        byte[] eeg = npy(63, 250);
        Multipart form = new Multipart().field("pipeline", "eeg-to-image").field("params", "{\"seed\": 3}")
            .file("eeg", "trial.npy", "application/octet-stream", eeg);
        Response created = GatewayTestSupport.postMultipart(port, form, bearer(key));
        assertThat(created.status()).as(created.raw()).isEqualTo(202);
        String id = created.body().path("id").asString();
        StepEnvelope env = StepEnvelope.parseFrom(await(encodeTopic, rec -> id.equals(rec.key())).value());
        Tensor t = env.getArtifactsOrThrow("eeg").getTensor();
        assertThat(t.getDtype()).isEqualTo(DataType.FP32);
        assertThat(t.getShapeList()).containsExactly(63L, 250L);
        assertThat(env.getParamsMap()).containsEntry("seed", "3");
        var npyBack = GatewayTestSupport.exchange(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/v1/jobs/" + id + "/artifacts/eeg?format=npy"))
            .header("Authorization", "Bearer " + key).GET().build());
        assertThat(npyBack.status()).isEqualTo(200);

        byte[] edf = ("0       patient-x" + " ".repeat(64)).getBytes(StandardCharsets.US_ASCII);
        Multipart recording = new Multipart().field("request", "{\"pipeline\": \"eeg-to-image\"}")
            .file("eeg", "session.edf", "application/octet-stream", edf);
        Response rec = GatewayTestSupport.postMultipart(port, recording, bearer(key));
        assertThat(rec.status()).as(rec.raw()).isEqualTo(202);
        String recId = rec.body().path("id").asString();
        Artifact blob = StepEnvelope.parseFrom(await(encodeTopic, r -> recId.equals(r.key())).value())
            .getArtifactsOrThrow("eeg");
        assertThat(blob.getBlob().getMediaType()).isEqualTo("application/x-edf");
        assertThat(blob.getBlob().getUri()).startsWith("pg://blobs/");
        assertThat(blob.getBlob().getSizeBytes()).isEqualTo(edf.length);
        var back = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/v1/jobs/" + recId + "/artifacts/eeg"))
            .header("X-API-Key", key).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(back.headers().firstValue("Content-Type")).hasValue("application/x-edf");
        assertThat(back.body()).isEqualTo(edf);
    }

    private static byte[] npy(int... shape) {
        int n = 1;
        Tensor.Builder t = Tensor.newBuilder().setDtype(DataType.FP32);
        for (int d : shape) {
            n *= d;
            t.addShape(d);
        }
        ByteBuffer raw = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            raw.putFloat(i * 0.001f);
        }
        return Npy.write(t.setRawData(ByteString.copyFrom(raw.array())).build());
    }
}
