package io.neuropipe.runtime.oip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OIP v2 endpoint of a web service over the test repository's {@code affine} model (y = xA + b). */
@SpringBootTest(classes = OipEndpointTest.WebService.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"neuropipe.models.repository=src/test/resources/repository", "spring.application.name=test-service",
        "neuropipe.models.pinned-versions.affine=1"})
class OipEndpointTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class WebService {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Value("${local.server.port}")
    int port;

    private record Answer(int status, JsonNode body) {
    }

    private Answer call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isBlank() ? null : JSON.readTree(r.body()));
    }

    private static final String X = "{\"id\": \"r1\", \"inputs\": [{\"name\": \"x\", \"shape\": [1, 3], \"datatype\": \"FP32\","
        + " \"data\": [1, 2, 3]}]}";

    @Test
    void servesMetadataHealthAndInferenceByGraphNames() throws Exception {
        assertThat(call("GET", "/v2", null).body().path("name").asString()).isEqualTo("test-service");
        assertThat(call("GET", "/v2/health/live", null).status()).isEqualTo(200);
        assertThat(call("GET", "/v2/health/ready", null).status()).isEqualTo(200);
        JsonNode meta = call("GET", "/v2/models/affine", null).body();
        assertThat(meta.path("versions").toString()).isEqualTo("[\"1\",\"2\"]");
        assertThat(meta.path("platform").asString()).isEqualTo("onnxruntime_onnx");
        assertThat(meta.path("inputs").get(0).path("name").asString()).isEqualTo("x");
        assertThat(meta.path("inputs").get(0).path("shape").toString()).isEqualTo("[-1,3]");
        assertThat(meta.path("outputs").get(0).path("name").asString()).isEqualTo("y");
        assertThat(call("GET", "/v2/models/affine/ready", null).status()).isEqualTo(200);
        assertThat(call("GET", "/v2/models/affine/versions/2/ready", null).status()).isEqualTo(200);

        JsonNode out = call("POST", "/v2/models/affine/infer", X).body();
        assertThat(out.path("model_name").asString()).isEqualTo("affine");
        assertThat(out.path("model_version").asString()).isEqualTo("1");
        assertThat(out.path("id").asString()).isEqualTo("r1");
        assertThat(out.path("outputs").get(0).path("name").asString()).isEqualTo("y");
        assertThat(out.path("outputs").get(0).path("datatype").asString()).isEqualTo("FP32");
        assertThat(out.path("outputs").get(0).path("shape").toString()).isEqualTo("[1,2]");
        assertThat(out.path("outputs").get(0).path("data").toString()).isEqualTo("[4.5,4.5]");

        JsonNode v2 = call("POST", "/v2/models/affine/versions/2/infer", X).body();
        assertThat(v2.path("model_version").asString()).isEqualTo("2");
        assertThat(v2.path("outputs").get(0).path("data").toString()).isEqualTo("[8.5,9.5]");
    }

    @Test
    void badRequestsGetAnErrorObject() throws Exception {
        assertError(call("GET", "/v2/models/nothing", null), 404, "No model 'nothing'");
        assertError(call("POST", "/v2/models/nothing/infer", X), 404, "No model");
        assertError(call("GET", "/v2/models/affine/versions/9", null), 404, "no version 9");
        assertError(call("POST", "/v2/models/affine/infer", "{\"inputs\": [{\"name\": \"z\", \"shape\": [1, 3],"
            + " \"datatype\": \"FP32\", \"data\": [1, 2, 3]}]}"), 400, "no input 'z'");
        assertError(call("POST", "/v2/models/affine/infer", X.replace("[1, 3]", "[1, 4]")), 400, "needs 4");
        assertError(call("POST", "/v2/models/affine/infer", X.replace("[1, 3]", "[3, 1]")), 400, "has shape [?, 3]");
        assertError(call("POST", "/v2/models/affine/infer", X.replace("FP32", "INT64")), 400, "is FP32, not INT64");
        assertError(call("POST", "/v2/models/affine/infer", X.replace("FP32", "FP64")), 400, "FP32 or INT64");
        assertError(call("POST", "/v2/models/affine/infer", "{\"inputs\": []}"), 400, "non-empty");
        assertError(call("POST", "/v2/models/affine/infer", "{nope"), 400, "not valid JSON");
        assertError(call("POST", "/v2/models/affine/infer", X.replace("]}]}", "]}], \"outputs\": [{\"name\": \"q\"}]}")),
            400, "no output 'q'");
    }

    private static void assertError(Answer a, int status, String text) {
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(status);
        assertThat(a.body().path("error").asString()).contains(text);
    }
}
