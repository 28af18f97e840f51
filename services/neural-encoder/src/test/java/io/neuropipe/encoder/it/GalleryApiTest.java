package io.neuropipe.encoder.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import io.neuropipe.encoder.engine.ImageEncoderEngine;
import io.neuropipe.runtime.image.ImagePreprocessor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The gallery REST API on real PostgreSQL with the zoo's image encoder. */
class GalleryApiTest extends EncoderAppTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    ImageEncoderEngine images;

    private RestClient http;

    @BeforeEach
    void client() {
        http = RestClient.builder().baseUrl("http://localhost:" + port)
            .defaultStatusHandler(HttpStatusCode::isError, (req, res) -> { }).build();
    }

    private ResponseEntity<String> get(String path) {
        return http.get().uri(path).retrieve().toEntity(String.class);
    }

    private ResponseEntity<String> postJson(String path, Object body) {
        return http.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsString(body)).retrieve()
            .toEntity(String.class);
    }

    private static JsonNode json(ResponseEntity<String> r) {
        return JSON.readTree(r.getBody());
    }

    private static ByteArrayResource file(byte[] bytes, String name) {
        return new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }

    private static byte[] stim(int i) throws Exception {
        return Files.readAllBytes(MODELS.resolve("samples/stim_%02d.png".formatted(i)));
    }

    @Test
    void theZooGalleryIsSeededAtStartUpWithLabelsAndThumbnails() throws Exception {
        JsonNode zoo = json(get("/v1/galleries/zoo"));
        assertThat(zoo.path("gallery").path("size").asLong()).isEqualTo(12);
        assertThat(zoo.path("gallery").path("dim").asInt()).isEqualTo(128);
        JsonNode first = zoo.path("entries").get(0);
        assertThat(first.path("label").asString()).isEqualTo("a large orange circle left of a large white triangle");
        ResponseEntity<byte[]> thumb = http.get().uri(first.path("thumbnail").asString()).retrieve().toEntity(byte[].class);
        assertThat(thumb.getStatusCode().value()).isEqualTo(200);
        assertThat(thumb.getHeaders().getContentType()).isEqualTo(MediaType.IMAGE_PNG);
        assertThat(thumb.getBody()).startsWith(0x89, 'P', 'N', 'G');
        // a stimulus' own image embedding finds that stimulus first
        ImagePreprocessor pre = new ImagePreprocessor(images.card(), 1 << 20, 1024);
        float[] e = images.embed(List.of(pre.toPixels(stim(3)))).get(0);
        JsonNode hits = json(postJson("/v1/galleries/zoo/search", Map.of("embedding", e, "k", 3))).path("hits");
        assertThat(hits.size()).isEqualTo(3);
        assertThat(hits.get(0).path("label").asString()).isEqualTo(zoo.path("entries").get(3).path("label").asString());
        assertThat(hits.get(0).path("score").asDouble()).isGreaterThan(0.999);
    }

    @Test
    void galleriesAreBuiltFromImagesAndEmbeddingsAndSearchSeesChangesAtOnce() throws Exception {
        assertThat(postJson("/v1/galleries", Map.of("name", "lab-a", "description", "test")).getStatusCode().value()).isEqualTo(201);
        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("image", file(stim(0), "stim_00.png"));
        parts.add("image", file(stim(5), "stim_05.png"));
        ResponseEntity<String> added = http.post().uri("/v1/galleries/lab-a/images").contentType(MediaType.MULTIPART_FORM_DATA)
            .body(parts).retrieve().toEntity(String.class);
        assertThat(added.getStatusCode().value()).as(added.getBody()).isEqualTo(201);
        assertThat(json(added).path("ids").size()).isEqualTo(2);
        long v1 = json(added).path("gallery").path("version").asLong();

        float[] axis = new float[128];
        axis[7] = 2f;
        ResponseEntity<String> emb = postJson("/v1/galleries/lab-a/embeddings",
            Map.of("entries", List.of(Map.of("label", "axis-7", "embedding", axis))));
        assertThat(emb.getStatusCode().value()).as(emb.getBody()).isEqualTo(201);
        assertThat(json(emb).path("gallery").path("version").asLong()).isGreaterThan(v1);

        float[] query = new float[128];
        query[7] = 0.5f;
        JsonNode result = json(postJson("/v1/galleries/lab-a/search", Map.of("embedding", query, "k", 10)));
        assertThat(result.path("hits").size()).isEqualTo(3);
        assertThat(result.path("hits").get(0).path("label").asString()).isEqualTo("axis-7");
        assertThat(result.path("hits").get(0).path("score").asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(json(get("/v1/galleries")).path("galleries").toString()).contains("\"lab-a\"").contains("\"zoo\"");

        assertThat(http.delete().uri("/v1/galleries/lab-a").retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(204);
        assertThat(postJson("/v1/galleries/lab-a/search", Map.of("embedding", query)).getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void badInputIsAClearProblem() throws Exception {
        ResponseEntity<String> unknown = get("/v1/galleries/nope");
        assertThat(unknown.getStatusCode().value()).isEqualTo(404);
        assertThat(unknown.getHeaders().getContentType().toString()).startsWith("application/problem+json");
        assertThat(json(unknown).path("detail").asString()).contains("No gallery 'nope'");

        float[] e = new float[128];
        e[0] = 1;
        assertThat(json(postJson("/v1/galleries/zoo/search", Map.of("embedding", e, "k", 0))).path("detail").asString())
            .contains("k=0 is outside [1, 100]");
        ResponseEntity<String> wrongDim = postJson("/v1/galleries/zoo/search", Map.of("embedding", new float[] {1, 2}));
        assertThat(wrongDim.getStatusCode().value()).isEqualTo(400);
        assertThat(json(wrongDim).path("detail").asString()).contains("2 values").contains("128-d");

        assertThat(postJson("/v1/galleries", Map.of("name", "zoo")).getStatusCode().value()).isEqualTo(409);
        assertThat(json(postJson("/v1/galleries", Map.of("name", "Bad Name"))).path("detail").asString()).contains("is invalid");

        postJson("/v1/galleries", Map.of("name", "lab-bad"));
        ResponseEntity<String> dim = postJson("/v1/galleries/lab-bad/embeddings",
            Map.of("entries", List.of(Map.of("label", "x", "embedding", new float[] {1, 2, 3}))));
        assertThat(dim.getStatusCode().value()).isEqualTo(400);
        assertThat(json(dim).path("detail").asString()).contains("3-d embedding").contains("128-d");

        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("image", file(stim(1), "ok.png"));
        byte[] corrupt = stim(2);
        parts.add("image", file(java.util.Arrays.copyOf(corrupt, corrupt.length / 3), "broken.png"));
        ResponseEntity<String> bad = http.post().uri("/v1/galleries/lab-bad/images").contentType(MediaType.MULTIPART_FORM_DATA)
            .body(parts).retrieve().toEntity(String.class);
        assertThat(bad.getStatusCode().value()).isEqualTo(400);
        assertThat(json(bad).path("detail").asString()).contains("Image 1 ('broken')").contains("cannot be decoded");
        assertThat(json(get("/v1/galleries/lab-bad")).path("gallery").path("size").asLong()).isZero();
    }
}
