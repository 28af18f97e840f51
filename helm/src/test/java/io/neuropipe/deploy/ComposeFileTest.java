package io.neuropipe.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml and docker-compose.gpu.yml, parsed (anchors and merge keys resolved by
 * SnakeYAML) and checked against the apps' own configuration. No Docker engine is needed.
 */
class ComposeFileTest {

    static final Path ROOT = Yamls.root();
    static final Map<String, Object> COMPOSE = Yamls.load(ROOT.resolve("docker-compose.yml"));
    static final Map<String, Object> GPU = Yamls.load(ROOT.resolve("docker-compose.gpu.yml"));
    static final Map<String, Object> TRACING = Yamls.load(ROOT.resolve("docker-compose.tracing.yml"));
    static final Map<String, String> MODULES = Map.of(
        "gateway", "gateway",
        "neural-encoder", "services/neural-encoder",
        "token-pruner", "services/token-pruner",
        "llm-decoder", "services/llm-decoder",
        "image-generator", "services/image-generator");
    static final Set<String> REQUIRED_TOPICS = Set.of(
        "neuropipe.jobs.requests", "neuropipe.jobs.requests.dlq", "neuropipe.jobs.results", "neuropipe.jobs.cancel",
        "neuropipe.job-events", "neuropipe.job-events.dlq",
        "neuropipe.step.encode", "neuropipe.step.encode.dlq", "neuropipe.step.prune", "neuropipe.step.prune.dlq",
        "neuropipe.step.decode", "neuropipe.step.decode.dlq", "neuropipe.step.generate", "neuropipe.step.generate.dlq");
    static final long MAX_RECORD_BYTES = 8_388_608;

    static Map<String, Object> service(Map<String, Object> compose, String name) {
        Map<String, Object> service = Yamls.map(compose, "services." + name);
        assertThat(service).as("service %s", name).isNotEmpty();
        return service;
    }

    static Map<String, String> env(Map<String, Object> service) {
        Map<String, String> env = new TreeMap<>();
        Yamls.map(service, "environment").forEach((k, v) -> env.put(k, v == null ? null : v.toString()));
        return env;
    }

    @Test
    void everyServiceIsThere() {
        assertThat(Yamls.map(COMPOSE, "services").keySet()).containsExactlyInAnyOrder(
            "kafka", "kafka-topics", "postgres", "gateway", "neural-encoder", "token-pruner", "llm-decoder", "image-generator");
    }

    @Test
    void kafkaIsASingleKraftNodeAcceptingEightMebibyteRecords() {
        Map<String, Object> kafka = service(COMPOSE, "kafka");
        Map<String, String> env = env(kafka);

        assertThat((String) kafka.get("image")).startsWith("apache/kafka:").doesNotEndWith(":latest");
        assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).contains("PLAINTEXT://kafka:9092");
        assertThat(Long.parseLong(env.get("KAFKA_MESSAGE_MAX_BYTES"))).isGreaterThanOrEqualTo(MAX_RECORD_BYTES);
        assertThat(Long.parseLong(env.get("KAFKA_REPLICA_FETCH_MAX_BYTES"))).isGreaterThanOrEqualTo(MAX_RECORD_BYTES);
        assertThat(Yamls.string(kafka, "healthcheck.test")).contains("kafka-broker-api-versions.sh");
    }

    @Test
    void topicsAreCreatedOnceKafkaIsHealthyWithEveryTopicTheAppsBind() {
        Map<String, Object> init = service(COMPOSE, "kafka-topics");
        assertThat(Yamls.string(init, "depends_on.kafka.condition")).isEqualTo("service_healthy");
        assertThat(init.get("restart")).isEqualTo("no");
        assertThat(Long.parseLong(env(init).get("MAX_MESSAGE_BYTES"))).isGreaterThanOrEqualTo(MAX_RECORD_BYTES);
        assertThat(Yamls.string(init, "command")).contains("--if-not-exists").contains("max.message.bytes");

        Map<String, Integer> topics = new LinkedHashMap<>();
        for (String spec : env(init).get("TOPICS").trim().split("\\s+")) {
            String[] parts = spec.split(":");
            topics.put(parts[0], Integer.parseInt(parts[1]));
        }
        assertThat(topics.keySet()).containsAll(REQUIRED_TOPICS);
        AppConfigs.services().values().forEach(app -> assertThat(topics.keySet()).containsAll(AppConfigs.topics(app)));
        assertThat(topics.keySet()).containsAll(AppConfigs.topics(AppConfigs.gateway()));
        assertThat(topics).allSatisfy((topic, partitions) -> assertThat(partitions).as(topic).isPositive());
    }

    @Test
    void postgresMatchesTheGatewaysDataSource() {
        Map<String, Object> postgres = service(COMPOSE, "postgres");
        Map<String, String> db = env(postgres);
        Map<String, String> gateway = env(service(COMPOSE, "gateway"));

        assertThat(Yamls.string(postgres, "healthcheck.test")).contains("pg_isready");
        assertThat(gateway.get("SPRING_DATASOURCE_URL")).isEqualTo("jdbc:postgresql://postgres:5432/" + db.get("POSTGRES_DB"));
        assertThat(gateway.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(db.get("POSTGRES_USER"));
        assertThat(gateway.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(db.get("POSTGRES_PASSWORD"));
        assertThat(Yamls.string(service(COMPOSE, "gateway"), "depends_on.postgres.condition")).isEqualTo("service_healthy");
    }

    @Test
    void everyAppIsBuiltFromItsModuleAndPublishesItsPortWithAHealthCheck() {
        Map<String, Object> ports = new TreeMap<>();
        AppConfigs.services().forEach((name, app) -> ports.put(name, AppConfigs.port(app)));
        ports.put("gateway", AppConfigs.port(AppConfigs.gateway()));
        assertThat(ports.keySet()).isEqualTo(MODULES.keySet());

        for (String name : MODULES.keySet()) {
            Map<String, Object> app = service(COMPOSE, name);
            String port = ports.get(name).toString();

            assertThat(Yamls.string(app, "build.dockerfile")).isEqualTo("Dockerfile");
            assertThat(Yamls.string(app, "build.target")).isEqualTo("app");
            assertThat(Yamls.string(app, "build.args.MODULE")).isEqualTo(MODULES.get(name));
            assertThat(ROOT.resolve(MODULES.get(name)).resolve("pom.xml")).exists();
            assertThat(Yamls.string(app, "build.args.PORT")).isEqualTo(port);
            assertThat((String) app.get("image")).matches("neuropipe/" + name + ":\\$\\{NEUROPIPE_TAG:-[0-9][^}]*}");
            assertThat(Yamls.at(app, "ports")).isEqualTo(List.of(port + ":" + port));
            assertThat(Yamls.at(app, "healthcheck.test")).asString()
                .contains("http://localhost:" + port + "/actuator/health/readiness");
            assertThat(Yamls.at(app, "volumes")).isEqualTo(List.of("./models/repository:/models:ro"));
            assertThat(Yamls.string(app, "depends_on.kafka.condition")).isEqualTo("service_healthy");
            assertThat(Yamls.string(app, "depends_on.kafka-topics.condition")).isEqualTo("service_completed_successfully");
        }
    }

    @Test
    void appsGetTheEnvironmentTheyNeed() {
        for (String name : MODULES.keySet()) {
            Map<String, String> env = env(service(COMPOSE, name));
            assertThat(env).as(name).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED", "true");
            if (name.equals("gateway")) {
                assertThat(env).containsKeys("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD")
                    .containsEntry("NEUROPIPE_GATEWAY_MODEL_REPOSITORY", "/models")
                    .containsEntry("NEUROPIPE_GATEWAY_SUBJECTS_URL", "http://neural-encoder:8081");
            } else {
                assertThat(env).as(name).containsEntry("NEUROPIPE_MODELS_REPOSITORY", "/models")
                    .containsEntry("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER", "cpu")
                    .containsKeys("NEUROPIPE_RUNTIME_DEVICE_ID", "NEUROPIPE_RUNTIME_INTRA_OP_THREADS");
                if (name.equals("neural-encoder")) {
                    // the subjects registry
                    assertThat(env).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/neuropipe")
                        .containsKeys("SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD");
                } else {
                    assertThat(env).as(name).doesNotContainKey("SPRING_DATASOURCE_URL");
                }
                // the claim-check blob store is the gateway's database
                Map<String, String> gateway = env(service(COMPOSE, "gateway"));
                assertThat(env.get("NEUROPIPE_BLOBS_POSTGRES_URL")).as(name).isEqualTo(gateway.get("SPRING_DATASOURCE_URL"));
                assertThat(env.get("NEUROPIPE_BLOBS_POSTGRES_USERNAME")).as(name).isEqualTo(gateway.get("SPRING_DATASOURCE_USERNAME"));
                assertThat(env.get("NEUROPIPE_BLOBS_POSTGRES_PASSWORD")).as(name).isEqualTo(gateway.get("SPRING_DATASOURCE_PASSWORD"));
                assertThat(Yamls.string(service(COMPOSE, name), "depends_on.postgres.condition")).isEqualTo("service_healthy");
            }
        }
        // the bind mount points at the zoo the repository ships
        assertThat(ROOT.resolve("models/repository")).isDirectory();
    }

    @Test
    void tracingIsOffByDefaultAndTheTracingOverrideSendsEveryAppsSpansToJaeger() {
        for (String name : MODULES.keySet()) {
            assertThat(env(service(COMPOSE, name))).as(name).doesNotContainKey("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT");
            Map<String, String> env = env(Compose.merge(service(COMPOSE, name), service(TRACING, name)));
            assertThat(env.get("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT")).as(name)
                .isEqualTo("${OTEL_TRACES_ENDPOINT:-http://jaeger:4318/v1/traces}");
            assertThat(env).as(name).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsKey("MANAGEMENT_TRACING_SAMPLING_PROBABILITY");
        }
        Map<String, Object> jaeger = service(TRACING, "jaeger");
        assertThat((String) jaeger.get("image")).startsWith("jaegertracing/jaeger:").doesNotEndWith(":latest");
        assertThat(Yamls.at(jaeger, "expose")).asList().contains("4318");
        assertThat(Yamls.map(TRACING, "services").keySet()).containsAll(MODULES.keySet());
    }

    @Test
    void gpuOverrideReservesNvidiaDevicesForTheModelServicesOnly() {
        assertThat(Yamls.map(GPU, "services").keySet()).containsExactlyInAnyOrderElementsOf(AppConfigs.SERVICES);
        for (String name : AppConfigs.SERVICES) {
            Map<String, Object> merged = Compose.merge(service(COMPOSE, name), service(GPU, name));

            List<Map<String, Object>> devices = Yamls.list(merged, "deploy.resources.reservations.devices");
            assertThat(devices).singleElement().satisfies(d -> {
                assertThat(d).containsEntry("driver", "nvidia");
                assertThat(Yamls.at(d, "capabilities")).isEqualTo(List.of("gpu"));
            });
            assertThat(Yamls.string(merged, "build.target")).isEqualTo("app-gpu");
            assertThat(Yamls.string(merged, "build.args.MODULE")).isEqualTo(MODULES.get(name));
            assertThat((String) merged.get("image")).endsWith("-gpu");
            assertThat(env(merged).get("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER")).matches("\\$\\{NEUROPIPE_EXECUTION_PROVIDER:-cuda}");
            assertThat(env(merged)).containsEntry("NEUROPIPE_MODELS_REPOSITORY", "/models");
        }
        assertThat(Yamls.map(service(COMPOSE, "gateway"), "deploy")).isEmpty();
    }

    @Test
    void dockerfileBuildsEveryTargetTheComposeFilesAndTheChartUse() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Map<String, String> stages = Dockerfile.stages(dockerfile);

        assertThat(stages.keySet()).contains("build", "build-gpu", "models", "app", "app-gpu");
        assertThat(stages.keySet()).last().isEqualTo("app"); // the default target
        assertThat(stages.get("build")).contains("./mvnw").contains("-Pfast ").contains("-pl \"${MODULE}\" -am package").contains("-Dmaven.test.skip=true");
        assertThat(stages.get("build-gpu")).contains("-Pfast,gpu ");
        for (String app : List.of("app", "app-gpu")) {
            String stage = stages.get(app);
            assertThat(stage).as(app).containsPattern("(?m)^USER 10001:10001$")
                .containsPattern("(?m)^HEALTHCHECK .*")
                .contains("/actuator/health/readiness")
                .contains("NEUROPIPE_MODELS_REPOSITORY=/models")
                .containsPattern("(?m)^ENTRYPOINT \\[\"java\", \"-jar\", \"/app/app.jar\"]$");
        }
        assertThat(stages.get("app-gpu")).contains("COPY --from=build-gpu").contains("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER=cuda");
        assertThat(stages.get("app")).contains("COPY --from=build ").contains("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER=cpu");
        assertThat(stages.get("models")).contains("COPY models/repository/ /models/");
        assertThat(Dockerfile.baseImages(dockerfile)).allSatisfy(image -> assertThat(image).contains(":").doesNotEndWith(":latest"));
        assertThat(Files.readString(ROOT.resolve(".dockerignore"))).contains("**/target/").contains(".git/");
    }

    /** Compose's merge of an override file, as far as these files use it: maps merge, the rest is replaced. */
    static final class Compose {
        @SuppressWarnings("unchecked")
        static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
            Map<String, Object> merged = new LinkedHashMap<>(base);
            override.forEach((key, value) -> {
                Object current = merged.get(key);
                merged.put(key, current instanceof Map<?, ?> c && value instanceof Map<?, ?> v
                    ? merge((Map<String, Object>) c, (Map<String, Object>) v) : value);
            });
            return merged;
        }
    }

    /** Stages of a Dockerfile by name (in order), and the images it pulls. */
    static final class Dockerfile {
        static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
        static final Pattern ARG = Pattern.compile("(?m)^ARG\\s+(\\w+)=(\\S+)\\s*$");

        static Map<String, String> stages(String dockerfile) {
            Map<String, String> stages = new LinkedHashMap<>();
            Matcher m = FROM.matcher(dockerfile);
            List<int[]> starts = new java.util.ArrayList<>();
            List<String> names = new java.util.ArrayList<>();
            while (m.find()) {
                starts.add(new int[] {m.start()});
                names.add(m.group(2) == null ? "stage" + names.size() : m.group(2));
            }
            for (int i = 0; i < names.size(); i++) {
                int end = i + 1 < starts.size() ? starts.get(i + 1)[0] : dockerfile.length();
                stages.put(names.get(i), dockerfile.substring(starts.get(i)[0], end));
            }
            return stages;
        }

        /** FROM images with ${ARG} defaults substituted; stage names excluded. */
        static List<String> baseImages(String dockerfile) {
            Map<String, String> args = new TreeMap<>();
            Matcher a = ARG.matcher(dockerfile);
            while (a.find()) {
                args.putIfAbsent(a.group(1), a.group(2));
            }
            Set<String> stageNames = stages(dockerfile).keySet();
            List<String> images = new java.util.ArrayList<>();
            Matcher m = FROM.matcher(dockerfile);
            while (m.find()) {
                String image = m.group(1);
                for (Map.Entry<String, String> arg : args.entrySet()) {
                    image = image.replace("${" + arg.getKey() + "}", arg.getValue());
                }
                if (!stageNames.contains(image)) {
                    images.add(image);
                }
            }
            return images.stream().distinct().collect(Collectors.toList());
        }
    }

    @Test
    void dockerfileParserSeesStagesInOrder() {
        String sample = String.join("\n", Arrays.asList("ARG B=x:1", "FROM ${B} AS one", "RUN a", "FROM one AS two", "RUN b"));
        assertThat(Dockerfile.stages(sample).keySet()).containsExactly("one", "two");
        assertThat(Dockerfile.baseImages(sample)).containsExactly("x:1");
    }
}
