package io.neuropipe.gateway.api;

import static io.neuropipe.gateway.GatewayTestSupport.await;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.gateway.SseClient;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.PartialOutput;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.StepFailure;
import io.neuropipe.proto.v1.StepResult;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The OIP v2 generate extension: jobs of the model's pipeline on Kafka, a test playing the decoder. */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class GenerateRouteTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static KafkaConsumer<String, byte[]> decodeTopic;
    private static KafkaProducer<String, byte[]> decoder;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_generate");
    }

    @BeforeAll
    static void connect() {
        decodeTopic = GatewayTestSupport.consumer("neuropipe.step.decode");
        decoder = GatewayTestSupport.producer();
    }

    @AfterAll
    static void disconnect() {
        decodeTopic.close();
        decoder.close();
    }

    /** The decode envelope of the job whose prompt is {@code prompt}. */
    private static StepEnvelope envelope(String prompt) throws Exception {
        var rec = await(decodeTopic, r -> {
            try {
                return StepEnvelope.parseFrom(r.value()).getArtifactsOrThrow("prompt").getText().equals(prompt);
            } catch (Exception e) {
                return false;
            }
        });
        return StepEnvelope.parseFrom(rec.value());
    }

    private void publish(JobEvent event) throws Exception {
        decoder.send(new ProducerRecord<>("neuropipe.job-events", event.getJobId(), event.toByteArray())).get();
    }

    private static JobEvent.Builder event(String job) {
        return JobEvent.newBuilder().setJobId(job).setStepId("decode").setStep("decode").setService("llm-decoder");
    }

    private static JobEvent chunk(String job, int index, String text) {
        return event(job).setPartial(PartialOutput.newBuilder().setArtifact("text").setIndex(index).setText(text)).build();
    }

    private static JobEvent done(String job, String text) {
        return event(job).setResult(StepResult.newBuilder().setLeaf(true).addArtifacts(Artifact.newBuilder().setName("text")
            .setText(text).putMetadata("finish_reason", "eos"))).build();
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void generateRunsADecodeJobAndAnswersItsText() throws Exception {
        var answer = postAsync("/v2/models/lm/generate", """
            {"text_input": "question: what colour is the circle? answer:",
             "parameters": {"max_tokens": 8, "temperature": 0, "stop": [".", "!"], "stream": false}}""");
        StepEnvelope env = envelope("question: what colour is the circle? answer:");
        assertThat(env.getPipeline()).isEqualTo("text-generate");
        assertThat(env.getParamsMap()).containsEntry("max_tokens", "8").containsEntry("temperature", "0")
            .containsEntry("stop", ".|!").doesNotContainKey("stream");
        publish(chunk(env.getJobId(), 0, "red"));
        publish(done(env.getJobId(), "red"));

        HttpResponse<String> r = answer.get(GatewayTestSupport.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = GatewayTestSupport.JSON.readTree(r.body());
        assertThat(body.path("model_name").asString()).isEqualTo("lm");
        assertThat(body.path("model_version").asString()).isEqualTo("1");
        assertThat(body.path("text_output").asString()).isEqualTo("red");
        assertThat(body.path("finish_reason").asString()).isEqualTo("eos");
        assertThat(body.path("id").asString()).isEqualTo(env.getJobId());
        assertThat(GatewayTestSupport.get(port, "/v1/jobs/" + env.getJobId()).body().path("status").asString())
            .as("the generation is an ordinary job").isEqualTo("DONE");

        var turn = postAsync("/v2/models/lm/generate", """
            {"text_input": "question: where is the star? answer:", "parameters": {"session_id": "chat-1", "session_turn": 1}}""");
        StepEnvelope next = envelope("question: where is the star? answer:");
        assertThat(next.getParamsMap()).containsEntry("session_id", "chat-1").containsEntry("session_turn", "1");
        publish(event(next.getJobId()).setResult(StepResult.newBuilder().setLeaf(true).addArtifacts(Artifact.newBuilder()
            .setName("text").setText("left").putMetadata("finish_reason", "eos").putMetadata("session_turn", "2"))).build());
        HttpResponse<String> second = turn.get(GatewayTestSupport.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(GatewayTestSupport.JSON.readTree(second.body()).path("session_turn").asInt()).isEqualTo(2);
        assertThat(body.has("session_turn")).as("no session, no turn").isFalse();
    }

    @Test
    void generateStreamSendsOneEventPerPieceAndTheRestLast() throws Exception {
        try (SseClient stream = new SseClient(port, "/v2/models/lm/versions/1/generate_stream", Map.of(),
                "{\"text_input\": \"caption:\", \"parameters\": {\"max_tokens\": 12}}")) {
            assertThat(stream.status()).isEqualTo(200);
            StepEnvelope env = envelope("caption:");
            publish(chunk(env.getJobId(), 0, "a red"));
            assertThat(stream.await(e -> true).data().path("text_output").asString()).isEqualTo("a red");
            publish(chunk(env.getJobId(), 1, " circle"));
            SseClient.Event second = stream.await(e -> true);
            assertThat(second.name()).as("plain data events, as Triton sends").isEqualTo("message");
            assertThat(second.data().path("text_output").asString()).isEqualTo(" circle");
            assertThat(second.data().path("model_name").asString()).isEqualTo("lm");
            publish(done(env.getJobId(), "a red circle on black"));
            JsonNode last = stream.await(e -> true).data();
            assertThat(last.path("text_output").asString()).as("what was not streamed").isEqualTo(" on black");
            assertThat(last.path("finish_reason").asString()).isEqualTo("eos");
            org.awaitility.Awaitility.await().atMost(GatewayTestSupport.WAIT).until(stream::ended);
        }
    }

    @Test
    void theDecodersRefusalIsA400ProblemOrAnErrorEvent() throws Exception {
        String prompt = "question: " + "a ".repeat(300) + "answer:";
        var answer = postAsync("/v2/models/lm/generate", "{\"text_input\": \"" + prompt + "\"}");
        StepEnvelope env = envelope(prompt);
        String reason = "The prompt has 303 tokens; the limit is 256";
        publish(event(env.getJobId()).setFailure(StepFailure.newBuilder().setCode(ErrorCode.INVALID_INPUT).setMessage(reason))
            .build());
        HttpResponse<String> r = answer.get(GatewayTestSupport.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = GatewayTestSupport.JSON.readTree(r.body());
        assertThat(problem.path("type").asString()).isEqualTo(Problems.INVALID_INPUT.toString());
        assertThat(problem.path("detail").asString()).contains(reason);
        assertThat(problem.path("code").asString()).isEqualTo("INVALID_INPUT");

        var lost = postAsync("/v2/models/lm/generate", "{\"text_input\": \"question: and then? answer:\", \"parameters\": "
            + "{\"session_id\": \"chat-9\", \"session_turn\": 3}}");
        String notHeld = "Session 'chat-9' at turn 3 is not held by this decoder";
        publish(event(envelope("question: and then? answer:").getJobId()).setFailure(StepFailure.newBuilder()
            .setCode(ErrorCode.NOT_FOUND).setMessage(notHeld)).build());
        HttpResponse<String> gone = lost.get(GatewayTestSupport.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(404);
        JsonNode goneProblem = GatewayTestSupport.JSON.readTree(gone.body());
        assertThat(goneProblem.path("detail").asString()).contains(notHeld);
        assertThat(goneProblem.path("code").asString()).isEqualTo("NOT_FOUND");

        try (SseClient stream = new SseClient(port, "/v2/models/lm/generate_stream", Map.of(),
                "{\"text_input\": \"question: where? answer:\"}")) {
            StepEnvelope second = envelope("question: where? answer:");
            publish(event(second.getJobId()).setFailure(StepFailure.newBuilder().setCode(ErrorCode.INVALID_INPUT)
                .setMessage("The request needs 513 positions")).build());
            JsonNode error = stream.await(e -> true).data();
            assertThat(error.path("error").asString()).contains("needs 513 positions");
            assertThat(error.path("status").asInt()).isEqualTo(400);
            org.awaitility.Awaitility.await().atMost(GatewayTestSupport.WAIT).until(stream::ended);
        }
    }

    @Test
    void badParametersUnknownModelsAndVersionsAreProblemsBeforeAnyJob() throws Exception {
        assertProblem(post(port, "/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": {\"temperature\": -0.5}}",
            Map.of()), 400, "parameters.temperature", "must be >= 0");
        assertProblem(post(port, "/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": {\"top_p\": 0}}",
            Map.of()), 400, "parameters.top_p", "(0, 1]");
        assertProblem(post(port, "/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": {\"top_p\": 1.5}}",
            Map.of()), 400, "parameters.top_p", "(0, 1]");
        assertProblem(post(port, "/v2/models/lm/generate_stream", "{\"text_input\": \"caption:\", \"parameters\": "
            + "{\"max_tokens\": 511}}", Map.of()), 400, "parameters.max_tokens", "at most 510");
        assertProblem(post(port, "/v2/models/lm/generate", "{\"text_input\": \"  \"}", Map.of()), 400, "text_input", "non-empty");
        assertProblem(post(port, "/v2/models/lm/generate", "{\"prompt\": \"caption:\"}", Map.of()), 400, "prompt", "Unknown field");
        assertProblem(post(port, "/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": {\"top_k\": [1]}}",
            Map.of()), 400, "parameters.top_k", "string, number or boolean");
        assertProblem(post(port, "/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": "
            + "{\"session_turn\": 2}}", Map.of()), 400, "parameters.session_turn", "needs the session_id");
        assertProblem(post(port, "/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": "
            + "{\"session_id\": \"chat\", \"session_turn\": -1}}", Map.of()), 400, "parameters.session_turn", "0 = start it over");
        assertProblem(post(port, "/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": "
            + "{\"session_id\": \"a chat\"}}", Map.of()), 400, "parameters.session_id", "1 to 128 letters");
        var unknown = post(port, "/v2/models/eeg-encoder/generate", "{\"text_input\": \"caption:\"}", Map.of());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("type").asString()).isEqualTo(Problems.MODEL_NOT_FOUND.toString());
        assertThat(post(port, "/v2/models/lm/versions/9/generate", "{\"text_input\": \"caption:\"}", Map.of()).status())
            .isEqualTo(404);
        assertThat(GatewayTestSupport.get(port, "/v2").body().path("extensions").toString()).contains("generate");

        assertProblem(post(port, "/v1/jobs", Map.of("pipeline", "text-generate", "inputs", Map.of("prompt", "caption:"),
            "params", Map.of("top_p", 2)), Map.of()), 400, "params.top_p", "(0, 1]");
        assertProblem(post(port, "/v1/jobs", Map.of("pipeline", "image-caption", "inputs", Map.of("image", Map.of(
            "contentType", "image/png", "base64", java.util.Base64.getEncoder().encodeToString(JobStreamingTest.PNG))),
            "params", Map.of("max_tokens", 600)), Map.of()), 400, "params.max_tokens", "512 positions");
    }

    private static void assertProblem(GatewayTestSupport.Response r, int status, String field, String detail) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body().path("field").asString()).isEqualTo(field);
        assertThat(r.body().path("detail").asString()).contains(detail);
    }
}
