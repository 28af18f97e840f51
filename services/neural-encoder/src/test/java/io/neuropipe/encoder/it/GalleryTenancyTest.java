package io.neuropipe.encoder.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.tenant.TenantHeader;
import io.neuropipe.runtime.tensor.Tensors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Galleries belong to tenants (the gateway's {@link TenantHeader}, the job's tenant in a pipeline):
 * one tenant cannot list, read, change, delete or retrieve from another's gallery, and every tenant
 * searches but cannot change the shared zoo gallery. Real PostgreSQL and Kafka.
 */
class GalleryTenancyTest extends EncoderAppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private RestClient http;

    @BeforeEach
    void client() {
        http = RestClient.builder().baseUrl("http://localhost:" + port)
            .defaultStatusHandler(HttpStatusCode::isError, (req, res) -> { }).build();
    }

    private ResponseEntity<String> get(String tenant, String path) {
        return http.get().uri(path).header(TenantHeader.NAME, tenant).retrieve().toEntity(String.class);
    }

    private ResponseEntity<String> post(String tenant, String path, Object body) {
        return http.post().uri(path).header(TenantHeader.NAME, tenant).contentType(MediaType.APPLICATION_JSON)
            .body(JSON.writeValueAsString(body)).retrieve().toEntity(String.class);
    }

    private ResponseEntity<String> delete(String tenant, String path) {
        return http.delete().uri(path).header(TenantHeader.NAME, tenant).retrieve().toEntity(String.class);
    }

    private static JsonNode json(ResponseEntity<String> r) {
        return JSON.readTree(r.getBody());
    }

    private static float[] axis(int i) {
        float[] e = new float[128];
        e[i] = 1f;
        return e;
    }

    private static void assertProblem(ResponseEntity<String> r, int status, String detail) {
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(status);
        assertThat(r.getHeaders().getContentType().toString()).startsWith("application/problem+json");
        assertThat(json(r).path("detail").asString()).contains(detail);
    }

    /** Tenant {@code tenant}'s gallery {@code name} holding one entry labelled {@code label} on axis {@code i}. */
    private void gallery(String tenant, String name, String label, int i) {
        assertThat(post(tenant, "/v1/galleries", Map.of("name", name)).getStatusCode().value()).isEqualTo(201);
        ResponseEntity<String> added = post(tenant, "/v1/galleries/" + name + "/embeddings",
            Map.of("entries", List.of(Map.of("label", label, "embedding", axis(i)))));
        assertThat(added.getStatusCode().value()).as(added.getBody()).isEqualTo(201);
    }

    @Test
    void aTenantReachesOnlyItsOwnGalleriesAndTheSharedOne() {
        gallery("tenant-a", "private", "a's secret", 3);

        assertThat(json(get("tenant-a", "/v1/galleries")).path("galleries").toString()).contains("\"private\"").contains("\"zoo\"");
        JsonNode seenByB = json(get("tenant-b", "/v1/galleries")).path("galleries");
        assertThat(seenByB.toString()).doesNotContain("\"private\"").contains("\"zoo\"");
        for (JsonNode g : seenByB) {
            assertThat(g.path("shared").asBoolean()).as(g.toString()).isTrue();
        }

        assertProblem(get("tenant-b", "/v1/galleries/private"), 404, "No gallery 'private'");
        assertProblem(post("tenant-b", "/v1/galleries/private/search", Map.of("embedding", axis(3))), 404, "No gallery 'private'");
        long entry = json(get("tenant-a", "/v1/galleries/private")).path("entries").get(0).path("id").asLong();
        assertProblem(get("tenant-b", "/v1/galleries/private/entries/" + entry + "/thumbnail"), 404, "No gallery 'private'");
        assertProblem(post("tenant-b", "/v1/galleries/private/embeddings",
            Map.of("entries", List.of(Map.of("label", "planted", "embedding", axis(4))))), 404, "No gallery 'private'");
        assertProblem(delete("tenant-b", "/v1/galleries/private"), 404, "No gallery 'private'");

        // B may use the same name for a gallery of its own; each tenant then sees its own
        gallery("tenant-b", "private", "b's own", 5);
        JsonNode hitsA = json(post("tenant-a", "/v1/galleries/private/search", Map.of("embedding", axis(3), "k", 5))).path("hits");
        assertThat(hitsA.size()).isEqualTo(1);
        assertThat(hitsA.get(0).path("label").asString()).isEqualTo("a's secret");
        JsonNode hitsB = json(post("tenant-b", "/v1/galleries/private/search", Map.of("embedding", axis(3), "k", 5))).path("hits");
        assertThat(hitsB.size()).isEqualTo(1);
        assertThat(hitsB.get(0).path("label").asString()).isEqualTo("b's own");

        assertThat(delete("tenant-b", "/v1/galleries/private").getStatusCode().value()).isEqualTo(204);
        assertThat(json(get("tenant-a", "/v1/galleries/private")).path("gallery").path("size").asLong()).isEqualTo(1);
        assertThat(delete("tenant-a", "/v1/galleries/private").getStatusCode().value()).isEqualTo(204);
    }

    @Test
    void theSharedZooGalleryIsSearchableButReadOnlyForTenants() {
        JsonNode zoo = json(get("tenant-c", "/v1/galleries/zoo"));
        assertThat(zoo.path("gallery").path("shared").asBoolean()).isTrue();
        assertThat(zoo.path("gallery").path("size").asLong()).isEqualTo(12);
        assertThat(json(post("tenant-c", "/v1/galleries/zoo/search", Map.of("embedding", axis(0), "k", 2))).path("hits").size())
            .isEqualTo(2);
        long entry = zoo.path("entries").get(0).path("id").asLong();
        assertThat(http.get().uri("/v1/galleries/zoo/entries/" + entry + "/thumbnail").header(TenantHeader.NAME, "tenant-c")
            .retrieve().toEntity(byte[].class).getStatusCode().value()).isEqualTo(200);

        assertProblem(post("tenant-c", "/v1/galleries/zoo/embeddings",
            Map.of("entries", List.of(Map.of("label", "planted", "embedding", axis(1))))), 403, "read-only");
        assertProblem(delete("tenant-c", "/v1/galleries/zoo"), 403, "read-only");
        assertProblem(post("tenant-c", "/v1/galleries", Map.of("name", "zoo")), 409, "already exists");
        assertThat(json(get("tenant-c", "/v1/galleries/zoo")).path("gallery").path("size").asLong()).isEqualTo(12);
    }

    @Test
    void aMalformedTenantHeaderIsRefused() {
        assertProblem(get("../other", "/v1/galleries"), 400, "not a valid tenant id");
    }

    @Test
    void theRetrieveStepSearchesTheJobTenantsGalleries() throws Exception {
        gallery("tenant-d", "mine", "d's entry", 9);
        try (KafkaConsumer<String, byte[]> events = consumer("neuropipe.job-events")) {
            JobEvent own = retrieve(events, "tenant-d", "mine");
            assertThat(own.hasResult()).as(own.toString()).isTrue();
            JsonNode retrieval = JSON.readTree(own.getResult().getArtifactsList().stream()
                .filter(a -> a.getName().equals("retrieval")).findFirst().orElseThrow().getText());
            assertThat(retrieval.path("hits").get(0).path("label").asString()).isEqualTo("d's entry");

            JobEvent other = retrieve(events, "tenant-e", "mine");
            assertThat(other.getFailure().getCode()).as(other.toString()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(other.getFailure().getMessage()).contains("No gallery 'mine'");

            JobEvent shared = retrieve(events, "tenant-e", "zoo");
            assertThat(shared.hasResult()).as(shared.toString()).isTrue();
        }
    }

    private static JobEvent retrieve(KafkaConsumer<String, byte[]> events, String tenant, String gallery) throws Exception {
        String job = UUID.randomUUID().toString();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId(job).setTenant(tenant).setPipeline("eeg-retrieve")
            .setRoute(RouteNode.newBuilder().setId("retrieve").setStep("retrieve").putParams("gallery", gallery).putParams("k", "1"))
            .setCurrentStepId("retrieve").setAttempt(1)
            .putArtifacts("embedding", Artifact.newBuilder().setName("embedding").setTensor(Tensors.ofFloats(axis(9), 128)).build())
            .setSentEpochMs(System.currentTimeMillis()).build();
        try (KafkaProducer<String, byte[]> p = producer()) {
            p.send(new ProducerRecord<>("neuropipe.step.retrieve", job, envelope.toByteArray())).get();
        }
        return JobEvent.parseFrom(await(events, r -> job.equals(r.key()), 1, Duration.ofSeconds(60)).get(0).value());
    }
}
