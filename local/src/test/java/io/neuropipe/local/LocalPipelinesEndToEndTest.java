package io.neuropipe.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.imageio.ImageIO;

import com.google.protobuf.ByteString;
import io.neuropipe.gateway.job.JobIds;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.JobRequest;
import io.neuropipe.proto.v1.JobStatus;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.tensor.Tensors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Every declared pipeline through the whole local stack, via REST and via the Kafka ingress. */
class LocalPipelinesEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> SHAPES = List.of("circle", "square", "triangle", "cross", "star", "diamond",
        "heart", "hexagon", "ring", "pentagon");

    @TempDir
    static Path data;
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = new LocalStack(new LocalOptions(data, Samples.ROOT.resolve("repository"), 0, false, 0, 0))
            // a pipeline that carries a large tensor along with a prompt, for the claim-check test
            .gatewayProperty("neuropipe.pipelines.caption-with-attachment.inputs.prompt.kind", "text")
            .gatewayProperty("neuropipe.pipelines.caption-with-attachment.inputs.attachment.kind", "tensor")
            // no model card of that name: the tensor is carried, never checked against a model
            .gatewayProperty("neuropipe.pipelines.caption-with-attachment.inputs.attachment.model", "carried-only")
            .gatewayProperty("neuropipe.pipelines.caption-with-attachment.route.id", "decode")
            .gatewayProperty("neuropipe.pipelines.caption-with-attachment.route.step", "decode")
            .start();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void healthIsUpAndEveryPipelineIsListed() throws Exception {
        assertThat(get("/actuator/health").path("status").asString()).isEqualTo("UP");
        List<String> names = new ArrayList<>();
        get("/v1/pipelines").path("pipelines").forEach(p -> names.add(p.path("name").asString()));
        assertThat(names).contains("eeg-encode", "eeg-to-image", "eeg-to-caption", "brain-decode-all", "fmri-to-image",
            "eeg-retrieve", "fmri-retrieve", "image-caption", "text-generate");
    }

    @Test
    void eegToImageReconstructsAnImage() throws Exception {
        JsonNode job = run("eeg-to-image", Map.of("eeg", eegJson()), Map.of("steps", 10, "seed", 3));
        assertPng(job.path("results").path("image"));
        assertThat(job.path("steps")).hasSize(2);
    }

    @Test
    void brainDecodeAllFansOutToGalleryHitsAnImageAndACaption() throws Exception {
        JsonNode job = run("brain-decode-all", Map.of("eeg", eegJson()), Map.of("steps", 10, "k", 3));
        assertPng(job.path("results").path("image"));
        assertThat(job.path("results").path("caption").asString()).satisfies(LocalPipelinesEndToEndTest::namesAShape);
        assertThat(job.path("steps").values().stream().map(st -> st.path("id").asString()).toList())
            .containsExactly("encode", "retrieve", "generate", "decode");

        JsonNode retrieval = JSON.readTree(job.path("results").path("retrieval").asString());
        assertThat(retrieval.path("gallery").asString()).isEqualTo("zoo");
        JsonNode hits = retrieval.path("hits");
        assertThat(hits.size()).as(retrieval.toString()).isEqualTo(3);
        for (JsonNode hit : hits) {
            assertThat(hit.path("label").asString()).satisfies(LocalPipelinesEndToEndTest::namesAShape);
            assertThat(hit.path("score").asDouble()).isBetween(-1.0, 1.0);
        }
        assertThat(hits.get(0).path("score").asDouble()).isGreaterThanOrEqualTo(hits.get(2).path("score").asDouble());
        assertThat(job.path("results").path("retrieval_scores").path("shape").toString()).isEqualTo("[3]");
        assertPng(job.path("results").path("retrieved"));
        HttpResponse<byte[]> thumbnail = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl()
            + hits.get(0).path("thumbnail").asString())).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(ImageIO.read(new ByteArrayInputStream(thumbnail.body()))).as("the best hit's thumbnail").isNotNull();
    }

    @Test
    void eegToCaptionDescribesAShape() throws Exception {
        JsonNode job = run("eeg-to-caption", Map.of("eeg", eegJson()), Map.of());
        assertThat(job.path("results").path("caption").asString()).satisfies(LocalPipelinesEndToEndTest::namesAShape);
    }

    @Test
    void imageCaptionDescribesTheStimulus() throws Exception {
        JsonNode stim = Samples.index().path("stimuli").get(1);
        JsonNode job = run("image-caption", Map.of("image", imageJson(stim.path("file").asString())), Map.of("strategy", "none"));
        String caption = job.path("results").path("caption").asString();
        assertThat(caption).satisfies(LocalPipelinesEndToEndTest::namesAShape);
        assertThat(job.path("steps").toString()).contains("prune.kept_ratio");
    }

    @Test
    void imageCaptionRunsTheDecodersMultimodalOptions() throws Exception {
        JsonNode image = imageJson(Samples.index().path("stimuli").get(1).path("file").asString());
        JsonNode mustdrop = run("image-caption", Map.of("image", image), Map.of("strategy", "mustdrop"));
        assertThat(mustdrop.path("results").path("caption").asString()).satisfies(LocalPipelinesEndToEndTest::namesAShape);
        assertThat(mustdrop.path("steps").toString()).contains("decode.llm_pruning", "decode.mustdrop_global", "decode.prefix_kept");
        JsonNode damro = run("image-caption", Map.of("image", image), Map.of("strategy", "damro", "damro_alpha", 1, "fastv_ratio", 0.5));
        assertThat(damro.path("results").path("caption").asString()).satisfies(LocalPipelinesEndToEndTest::namesAShape);
        assertThat(damro.path("steps").toString()).contains("decode.fastv_ratio", "decode.damro_outliers", "decode.probe_us");
    }

    @Test
    void textGenerateAnswersFromAPrompt() throws Exception {
        JsonNode job = run("text-generate", Map.of("prompt", JSON.getNodeFactory().stringNode("caption:")), Map.of("max_tokens", 8));
        assertThat(job.path("results").has("text")).isTrue();
    }

    @Test
    void oipGenerateAndGenerateStreamRunTheDecoderThroughKafka() throws Exception {
        HttpResponse<String> r = post("/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": {\"max_tokens\": 8}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        String text = answer.path("text_output").asString();
        assertThat(text).isNotBlank();
        assertThat(answer.path("model_version").asString()).isEqualTo("1");
        JsonNode job = run("text-generate", Map.of("prompt", JSON.getNodeFactory().stringNode("caption:")), Map.of("max_tokens", 8));
        assertThat(job.path("results").path("text").asString()).as("greedy: the same text as the pipeline").isEqualTo(text);

        HttpResponse<java.util.stream.Stream<String>> stream = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl()
                + "/v2/models/lm/generate_stream")).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"text_input\": \"caption:\", \"parameters\": {\"max_tokens\": 8}}"))
            .build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        List<JsonNode> events = stream.body().filter(l -> l.startsWith("data:")).map(l -> JSON.readTree(l.substring(5))).toList();
        assertThat(events.size()).as("one event per piece, then the last").isGreaterThan(2);
        assertThat(events.stream().map(e -> e.path("text_output").asString()).reduce("", String::concat)).isEqualTo(text);
        assertThat(events.get(events.size() - 1).path("finish_reason").asString()).isNotEmpty();

        StringBuilder longest = new StringBuilder("caption:");
        for (int i = 0; i < 255; i++) {
            longest.append(" a");
        }
        HttpResponse<String> tooLong = post("/v2/models/lm/generate", "{\"text_input\": \"" + longest + "\", \"parameters\": "
            + "{\"max_tokens\": 256}}");
        assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.headers().firstValue("content-type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(tooLong.body()).path("detail").asString())
            .contains("needs 513 positions", "max_tokens 256", "has 512 (max_position_embeddings)", "at most 255");
        HttpResponse<String> badTemperature = post("/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": "
            + "{\"temperature\": -1}}");
        assertThat(badTemperature.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badTemperature.body()).path("field").asString()).isEqualTo("parameters.temperature");

        int held = 0;
        for (String turn : List.of("question: what colour is the circle? answer:", "question: where is the star? answer:")) {
            HttpResponse<String> t = post("/v2/models/lm/generate", "{\"text_input\": \"" + turn + "\", \"parameters\": "
                + "{\"max_tokens\": 6, \"session_id\": \"e2e-chat\", \"session_turn\": " + held + "}}");
            assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
            assertThat(JSON.readTree(t.body()).path("session_turn").asInt()).as(t.body()).isEqualTo(held + 1);
            held = JSON.readTree(t.body()).path("session_turn").asInt();
            String steps = get("/v1/jobs/" + JSON.readTree(t.body()).path("id").asString()).path("steps").toString();
            java.util.regex.Matcher reused = java.util.regex.Pattern.compile("decode.prefix_cache_tokens\\W+(\\d+)").matcher(steps);
            assertThat(reused.find()).as(steps).isTrue();
            int restored = Integer.parseInt(reused.group(1));
            if (turn.contains("colour")) {
                assertThat(restored).as("a session's first turn").isZero();
            } else {
                assertThat(restored).as("rows the second turn restored from the session").isPositive();
            }
        }
        HttpResponse<String> lost = post("/v2/models/lm/generate", "{\"text_input\": \"caption:\", \"parameters\": "
            + "{\"max_tokens\": 6, \"session_id\": \"e2e-chat-never-started\", \"session_turn\": 1}}");
        assertThat(lost.statusCode()).as("a continuation of a session the decoder does not hold").isEqualTo(404);
        assertThat(JSON.readTree(lost.body()).path("detail").asString()).contains("is not held by this decoder",
            "resend the whole conversation");
    }

    @Test
    void everyPipelineRunsFromTheKafkaIngress() throws Exception {
        Map<String, Map<String, Artifact>> inputs = Map.of(
            "eeg-to-image", Map.of("eeg", eegArtifact()),
            "eeg-to-caption", Map.of("eeg", eegArtifact()),
            "brain-decode-all", Map.of("eeg", eegArtifact()),
            "image-caption", Map.of("image", Artifact.newBuilder().setName("image")
                .setPng(ByteString.copyFrom(Samples.bytes("stim_00.png"))).build()),
            "text-generate", Map.of("prompt", Artifact.newBuilder().setName("prompt").setText("caption:").build()));
        Map<String, String> requestIds = new java.util.HashMap<>();
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            for (var e : inputs.entrySet()) {
                String requestId = UUID.randomUUID().toString();
                requestIds.put(JobIds.forRequest("default", requestId).toString(), e.getKey());
                JobRequest request = JobRequest.newBuilder().setRequestId(requestId).setTenant("default")
                    .setPipeline(e.getKey()).putAllInputs(e.getValue()).putParams("steps", "8").putParams("max_tokens", "8").build();
                producer.send(new ProducerRecord<>("neuropipe.jobs.requests", requestId, request.toByteArray())).get();
            }
        }
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("neuropipe.jobs.results"));
            Map<String, JobEvent> done = new java.util.HashMap<>();
            long end = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            while (done.size() < inputs.size() && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    JobEvent event = JobEvent.parseFrom(r.value());
                    if (event.hasStatus() && requestIds.containsKey(r.key())) {
                        done.put(requestIds.get(r.key()), event);
                    }
                }
            }
            assertThat(done.keySet()).containsExactlyInAnyOrderElementsOf(inputs.keySet());
            done.values().forEach(e -> {
                assertThat(e.getStatus().getStatus()).as(e.getJobId() + ": " + e.getStatus().getReason()).isEqualTo(JobStatus.JOB_DONE);
                assertThat(e.getStatus().getArtifactsList()).isNotEmpty();
            });
            assertThat(done.get("brain-decode-all").getStatus().getArtifactsList()).extracting(Artifact::getName)
                .contains("retrieval", "retrieved", "image", "caption");
        }
    }

    @Test
    void aFiveMegabyteTensorTravelsByClaimCheckAndIsPurgedWithItsJob() throws Exception {
        int n = 5 * 1024 * 1024 / 4;
        ObjectNode tensor = JSON.createObjectNode().put("datatype", "FP32");
        tensor.putArray("shape").add(n);
        ArrayNode values = tensor.putArray("data");
        ByteBuffer expected = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            values.add(i % 1000);
            expected.putFloat(i % 1000);
        }
        try (var consumer = new KafkaConsumer<String, byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("neuropipe.step.decode"));
            JsonNode job = run("caption-with-attachment", Map.of("prompt", JSON.getNodeFactory().stringNode("caption:"),
                "attachment", tensor), Map.of("max_tokens", 4));
            String id = job.path("id").asString();
            assertThat(job.path("results").path("text").isString()).as(job.toString()).isTrue();

            ConsumerRecord<String, byte[]> record = null;
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (record == null && System.nanoTime() < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    record = id.equals(r.key()) ? r : record;
                }
            }
            assertThat(record).as("the decode step's record").isNotNull();
            assertThat(record.value().length).isLessThan(16 * 1024);
            Artifact carried = StepEnvelope.parseFrom(record.value()).getArtifactsOrThrow("attachment");
            assertThat(carried.getBlob().getSizeBytes()).isGreaterThan(4L * n);

            HttpResponse<byte[]> npy = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs/" + id
                + "/artifacts/attachment?format=npy")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(npy.statusCode()).isEqualTo(200);
            byte[] body = npy.body();
            assertThat(Arrays.copyOfRange(body, body.length - 4 * n, body.length)).isEqualTo(expected.array());

            HttpResponse<String> purged = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs/" + id
                + "?purge=true")).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(purged.statusCode()).isEqualTo(204);
            try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), EmbeddedPostgresServer.USER, "");
                 PreparedStatement st = c.prepareStatement("SELECT count(*) FROM blobs WHERE sha256 = ?")) {
                st.setString(1, carried.getBlob().getSha256());
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();
                }
            }
        }
    }

    @Test
    void aBodyAboveTheGatewayLimitIsRefusedAtOnce() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[16 * 1024 * 1024 + 1])).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void fmriToImageFromAnUploadedVoxelVectorOfARegisteredSubject() throws Exception {
        assertThat(get("/v1/subjects").toString()).contains("\"id\":\"subj01\"", "\"voxel_count\":2642");
        JsonNode job = runWithUploadedVoxels("fmri-to-image", "{\"subject\":\"subj01\",\"steps\":8}");
        assertPng(job.path("results").path("image"));
    }

    @Test
    void fmriRetrieveFromAnUploadedVoxelVectorOfARegisteredSubject() throws Exception {
        JsonNode job = runWithUploadedVoxels("fmri-retrieve", "{\"subject\":\"subj01\",\"k\":2}");
        JsonNode hits = JSON.readTree(job.path("results").path("retrieval").asString()).path("hits");
        assertThat(hits.size()).as(job.toString()).isEqualTo(2);
        assertThat(hits.get(0).path("label").asString()).satisfies(LocalPipelinesEndToEndTest::namesAShape);
    }

    /** Uploads trial 0 of the subj01 sample betas as an .npy file to an fMRI pipeline and waits for the job. */
    private static JsonNode runWithUploadedVoxels(String pipeline, String params) throws Exception {
        float[] voxels = Samples.npyRow("fmri_subj01_betas.npy", 0);
        String boundary = "e2e" + UUID.randomUUID();
        var form = new java.io.ByteArrayOutputStream();
        form.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"pipeline\"\r\n\r\n" + pipeline + "\r\n--" + boundary
            + "\r\nContent-Disposition: form-data; name=\"params\"\r\n\r\n" + params + "\r\n--" + boundary
            + "\r\nContent-Disposition: form-data; name=\"fmri\"; filename=\"subj01.npy\"\r\nContent-Type: application/octet-stream"
            + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        form.write(Samples.npy(voxels));
        form.write(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + "/v1/jobs"))
            .header("content-type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return awaitDone(JSON.readTree(created.body()).path("id").asString());
    }

    @Test
    void aWrongShapeIsRejectedWithProblemJson() throws Exception {
        ObjectNode bad = JSON.createObjectNode().put("datatype", "FP32");
        bad.putArray("shape").add(2).add(2);
        bad.putArray("data").add(1).add(2).add(3).add(4);
        HttpResponse<String> response = post("/v1/jobs", body("eeg-to-image", Map.of("eeg", bad), Map.of()));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        assertThat(response.body()).contains("inputs.eeg");
    }

    @Test
    void theWebConsoleRunsBrainDecodeAllAndShowsTheImageCaptionAndGalleryHits(@TempDir Path profile) {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        Assumptions.assumeTrue(java.nio.file.Files.isExecutable(chromium) && java.nio.file.Files.isExecutable(driver),
            "Skipped: no Chromium here (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile()).addArguments("--headless", "--no-sandbox",
            "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1000",
            "--user-data-dir=" + profile);
        WebDriver browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
            .usingAnyFreePort().build(), options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120));
            browser.get(stack.gatewayUrl() + "/");
            // local mode runs without API keys; the page still wants something in the key field
            browser.findElement(By.id("api-key")).sendKeys("local", Keys.TAB);
            wait.until(d -> new Select(d.findElement(By.id("pipeline"))).getFirstSelectedOption().getText()
                .equals("brain-decode-all"));
            wait.until(d -> new Select(d.findElement(By.id("sample"))).getFirstSelectedOption().getAttribute("value")
                .startsWith("eeg:"));
            browser.findElement(By.id("run")).click();
            wait.until(d -> d.findElement(By.id("job-status")).getText().equals("DONE"));
            assertThat(browser.findElement(By.id("caption")).getText()).satisfies(LocalPipelinesEndToEndTest::namesAShape);
            wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                "const i = document.getElementById('image'); return i.complete ? i.naturalWidth : 0;")).intValue() > 0);
            wait.until(d -> d.findElements(By.cssSelector("#retrieval figcaption")).size() == 5);
            assertThat(browser.findElements(By.cssSelector("#retrieval figcaption")))
                .allSatisfy(c -> assertThat(c.getText()).matches("\\d+\\. .+ \\(-?\\d\\.\\d{3}\\)").satisfies(LocalPipelinesEndToEndTest::namesAShape));
            wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                "const i = document.querySelector('#retrieval img'); return i.complete ? i.naturalWidth : 0;")).intValue() > 0);
            assertThat(browser.findElement(By.id("error")).getText()).isEmpty();
        } finally {
            browser.quit();
        }
    }

    // ---------------------------------------------------------------------------------------- helpers

    private static void namesAShape(String caption) {
        assertThat(SHAPES).as("caption '" + caption + "' names a shape").anyMatch(caption::contains);
    }

    private static void assertPng(JsonNode image) throws Exception {
        assertThat(image.path("contentType").asString()).isEqualTo("image/png");
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(image.path("base64").asString())));
        assertThat(decoded).isNotNull();
        assertThat(decoded.getWidth()).isGreaterThanOrEqualTo(32);
    }

    private static float[] eegTrial() {
        return Samples.eegTrial("eeg_sub-01_trials.npy", 1, 63, 250);
    }

    private static Artifact eegArtifact() {
        return Artifact.newBuilder().setName("eeg").setTensor(Tensors.ofFloats(eegTrial(), 63, 250)).build();
    }

    private static JsonNode eegJson() {
        ObjectNode t = JSON.createObjectNode().put("datatype", "FP32");
        t.putArray("shape").add(63).add(250);
        ArrayNode data = t.putArray("data");
        for (float v : eegTrial()) {
            data.add(v);
        }
        return t;
    }

    private static JsonNode imageJson(String file) {
        return JSON.createObjectNode().put("contentType", "image/png").put("base64", Base64.getEncoder().encodeToString(Samples.bytes(file)));
    }

    private static String body(String pipeline, Map<String, JsonNode> inputs, Map<String, Object> params) {
        ObjectNode body = JSON.createObjectNode().put("pipeline", pipeline);
        ObjectNode in = body.putObject("inputs");
        inputs.forEach(in::set);
        ObjectNode p = body.putObject("params");
        params.forEach((k, v) -> p.put(k, v.toString()));
        return body.toString();
    }

    private static JsonNode run(String pipeline, Map<String, JsonNode> inputs, Map<String, Object> params) throws Exception {
        HttpResponse<String> created = post("/v1/jobs", body(pipeline, inputs, params));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
        return awaitDone(JSON.readTree(created.body()).path("id").asString());
    }

    private static JsonNode awaitDone(String id) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < end) {
            JsonNode job = get("/v1/jobs/" + id + "?wait=30s");
            String status = job.path("status").asString();
            if (status.equals("DONE")) {
                return job;
            }
            assertThat(status).as(job.toString()).isNotEqualTo("FAILED");
        }
        throw new AssertionError("Job " + id + " did not finish in 180 s");
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
            .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
