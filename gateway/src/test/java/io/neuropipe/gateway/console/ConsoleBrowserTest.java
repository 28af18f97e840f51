package io.neuropipe.gateway.console;

import static io.neuropipe.gateway.GatewayTestSupport.ADMIN_KEY;
import static io.neuropipe.gateway.GatewayTestSupport.bearer;
import static io.neuropipe.gateway.GatewayTestSupport.get;
import static io.neuropipe.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.gateway.GatewayTestSupport;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.JobEvent;
import io.neuropipe.proto.v1.PartialOutput;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.StepResult;
import io.neuropipe.proto.v1.StepTiming;
import io.neuropipe.proto.v1.Tensor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The web console in headless Chromium (Debian's {@code chromium} + {@code chromium-driver}),
 * against the gateway on real Kafka and PostgreSQL, with this test playing the services: the page
 * runs brain-decode-all on a sample EEG trial and shows the stages, the caption as it streams, the
 * generated image, the retrieved gallery images with their labels and the provenance.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.name=gateway")
@DirtiesContext
class ConsoleBrowserTest {

    static final Path SAMPLES = Path.of("../models/samples").toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private static KafkaConsumer<String, byte[]> encodeTopic;
    private static KafkaProducer<String, byte[]> services;

    @Value("${local.server.port}")
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry r) {
        GatewayTestSupport.register(r, "gateway_console", true);
        r.add("neuropipe.gateway.console.samples", SAMPLES::toString);
    }

    @BeforeAll
    static void connect() {
        encodeTopic = GatewayTestSupport.consumer("neuropipe.step.encode");
        services = GatewayTestSupport.producer();
    }

    @AfterAll
    static void disconnect() {
        encodeTopic.close();
        services.close();
    }

    @Test
    void samplesAreServedReadOnlyAndNothingOutsideTheirDirectory() {
        Map<String, String> key = bearer(ADMIN_KEY);
        assertThat(get(port, "/v1/samples").status()).isEqualTo(401);
        var index = get(port, "/v1/samples", key);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body().path("stimuli").size()).isGreaterThan(1);
        assertThat(get(port, "/v1/samples/stim_00.png", key).contentType()).isEqualTo("image/png");
        for (String bad : List.of("..%2Frepository", "%2E%2E%2Fsamples%2Findex.json", "nothing.png", ".hidden",
                "..", "index.json%00.png")) {
            var r = get(port, "/v1/samples/" + bad, key);
            assertThat(r.status()).as(bad + " -> " + r.raw()).isIn(400, 404);
            assertThat(r.contentType()).as(bad).startsWith("application/problem+json");
        }
        assertThat(get(port, "/", Map.of()).status()).as("the page needs no key").isEqualTo(200);
    }

    @Test
    void theConsoleRunsAPipelineAndShowsStagesStreamedCaptionImageAndProvenance(@TempDir Path profile) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
            "Skipped: no Chromium here (apt-get install -y chromium chromium-driver; .ci/run installs them)");
        String key = post(port, "/v1/admin/keys", Map.of("tenant", "lab-console"), bearer(ADMIN_KEY)).body()
            .path("key").asString();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless",
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1000",
            "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            browser.get("http://localhost:" + port + "/");
            browser.findElement(By.id("api-key")).sendKeys(key, Keys.TAB);
            wait.until(d -> new Select(d.findElement(By.id("pipeline"))).getFirstSelectedOption().getText()
                .equals("brain-decode-all"));
            wait.until(d -> new Select(d.findElement(By.id("sample"))).getFirstSelectedOption().getAttribute("value")
                .equals("eeg:eeg_sub-01_trials.npy"));
            browser.findElement(By.id("trial")).clear();
            browser.findElement(By.id("trial")).sendKeys("1");
            browser.findElement(By.id("run")).click();

            StepEnvelope env = StepEnvelope.parseFrom(GatewayTestSupport.await(encodeTopic,
                rec -> tenantOf(rec.value()).equals("lab-console")).value());
            String id = env.getJobId();
            wait.until(d -> d.findElement(By.id("job-id")).getText().equals(id));
            Tensor eeg = env.getArtifactsOrThrow("eeg").getTensor();
            assertThat(eeg.getShapeList()).containsExactly(63L, 250L);
            assertThat(eeg.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat(0))
                .as("trial 1 of the sample file").isEqualTo(firstValueOfTrial(1));
            wait.until(d -> d.findElement(By.id("stimulus")).getAttribute("src").startsWith("blob:"));

            publish(result(id, "encode", "neural-encoder", false, Map.of("encode.model", "eeg-encoder/1",
                "encode.sha256", "c0ffee".repeat(10) + "abcd")));
            wait.until(d -> stage(d, "encode").equals("DONE"));
            wait.until(d -> stage(d, "decode").equals("STARTED"));
            String[] words = {"a small", " blue", " triangle"};
            for (int i = 0; i < words.length; i++) {
                publish(event(id, "decode", "llm-decoder").setPartial(PartialOutput.newBuilder().setArtifact("caption")
                    .setIndex(i).setText(words[i])).build());
                String sofar = String.join("", java.util.Arrays.copyOf(words, i + 1));
                wait.until(d -> d.findElement(By.id("caption")).getText().equals(sofar.trim()));
            }
            assertThat(browser.findElement(By.id("job-status")).getText()).as("streamed while running")
                .isEqualTo("RUNNING");

            byte[] png = Files.readAllBytes(SAMPLES.resolve("stim_01.png"));
            publish(result(id, "generate", "image-generator", true, Map.of("generate.encoder", "unet-encoder/1"),
                Artifact.newBuilder().setName("image").setPng(ByteString.copyFrom(png)).build()));
            wait.until(d -> stage(d, "generate").equals("DONE"));
            wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                "const i = document.getElementById('image'); return i.complete ? i.naturalWidth : 0;")).intValue() > 0);
            assertThat(browser.findElement(By.id("job-status")).getText()).isEqualTo("RUNNING");

            publish(result(id, "decode", "llm-decoder", true, Map.of("decode.model", "lm/1", "decode.new_tokens", "3"),
                Artifact.newBuilder().setName("caption").setText("a small blue triangle").build()));
            wait.until(d -> stage(d, "decode").equals("DONE"));
            assertThat(browser.findElement(By.id("job-status")).getText()).as("retrieve has not reported")
                .isEqualTo("RUNNING");

            // thumbnails are gateway paths the page fetches with its key; a served sample stands in for a gallery's
            String retrieval = "{\"gallery\":\"zoo\",\"version\":1,\"hits\":["
                + "{\"rank\":1,\"id\":2,\"label\":\"a small blue triangle\",\"score\":0.912,\"thumbnail\":\"/v1/samples/stim_01.png\"},"
                + "{\"rank\":2,\"id\":5,\"label\":\"a large red star\",\"score\":0.5,\"thumbnail\":\"/v1/samples/stim_00.png\"}]}";
            publish(result(id, "retrieve", "neural-encoder", true, Map.of("retrieve.gallery", "zoo", "retrieve.k", "2"),
                Artifact.newBuilder().setName("retrieval").setText(retrieval).putMetadata("content_type", "application/json").build(),
                Artifact.newBuilder().setName("retrieved").setPng(ByteString.copyFrom(png)).putMetadata("label", "a small blue triangle")
                    .build()));
            wait.until(d -> d.findElement(By.id("job-status")).getText().equals("DONE"));
            assertThat(browser.findElement(By.id("caption")).getText()).isEqualTo("a small blue triangle");
            wait.until(d -> d.findElements(By.cssSelector("#retrieval figure")).size() == 2);
            assertThat(browser.findElements(By.cssSelector("#retrieval figcaption")).stream().map(WebElement::getText))
                .containsExactly("1. a small blue triangle (0.912)", "2. a large red star (0.500)");
            wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                "const i = document.querySelector('#retrieval img'); return i.complete ? i.naturalWidth : 0;")).intValue() > 0);
            wait.until(d -> d.findElements(By.cssSelector("#provenance tbody tr")).size() == 4);
            String encodeRow = browser.findElement(By.cssSelector("#provenance tr[data-step='encode']")).getText();
            assertThat(encodeRow).contains("neural-encoder").contains("eeg-encoder/1").contains("c0ffeec0ffee");
            assertThat(browser.findElement(By.cssSelector("#provenance tr[data-step='decode']")).getText())
                .contains("lm/1").contains("new_tokens=3");
            assertThat(browser.findElement(By.id("error")).getText()).isEmpty();
        } finally {
            browser.quit();
        }
    }

    private static String stage(WebDriver d, String step) {
        return d.findElement(By.cssSelector("#stages li[data-step='" + step + "']")).getAttribute("data-status");
    }

    private static String tenantOf(byte[] envelope) {
        try {
            return StepEnvelope.parseFrom(envelope).getTenant();
        } catch (Exception e) {
            return "";
        }
    }

    /** The first float of trial {@code t} of the sample file, read from the .npy (header 128 bytes, (12, 63, 250) f4). */
    private static float firstValueOfTrial(int t) throws Exception {
        byte[] file = Files.readAllBytes(SAMPLES.resolve("eeg_sub-01_trials.npy"));
        int header = 10 + (file[8] & 0xFF | (file[9] & 0xFF) << 8);
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getFloat(header + t * 63 * 250 * 4);
    }

    private void publish(JobEvent e) throws Exception {
        services.send(new ProducerRecord<>("neuropipe.job-events", e.getJobId(), e.toByteArray())).get();
    }

    private static JobEvent.Builder event(String job, String step, String service) {
        return JobEvent.newBuilder().setJobId(job).setTenant("lab-console").setStepId(step).setStep(step)
            .setService(service).setEmittedEpochMs(System.currentTimeMillis())
            .setTiming(StepTiming.newBuilder().setQueueMs(1).setInferenceUs(2500).setTotalUs(3100));
    }

    private static JobEvent result(String job, String step, String service, boolean leaf, Map<String, String> provenance,
                                   Artifact... artifacts) {
        StepResult.Builder r = StepResult.newBuilder().setLeaf(leaf).putAllProvenance(provenance);
        for (Artifact a : artifacts) {
            r.addArtifacts(a);
        }
        return event(job, step, service).setResult(r).build();
    }
}
