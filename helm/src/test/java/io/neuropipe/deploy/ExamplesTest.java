package io.neuropipe.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator manifests and production values in helm/examples agree with the chart and the apps. */
class ExamplesTest {

    static final Path EXAMPLES = Yamls.root().resolve("helm/examples");

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> loadAll(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    @Test
    void strimziTopicsAreTheComposeTopicsWithEightMebibyteRecords() throws IOException {
        List<Map<String, Object>> docs = loadAll(EXAMPLES.resolve("strimzi-kafka.yaml"));
        Map<String, Object> kafka = docs.stream().filter(d -> "Kafka".equals(d.get("kind"))).findFirst().orElseThrow();
        assertThat(((Number) Yamls.at(kafka, "spec.kafka.config.message.max.bytes")).longValue())
            .isGreaterThanOrEqualTo(ComposeFileTest.MAX_RECORD_BYTES);
        assertThat(Yamls.string(kafka, "metadata.name") + "-kafka-bootstrap.kafka.svc:9092")
            .isEqualTo(Yamls.string(Yamls.load(HelmChartTest.CHART.resolve("values.yaml")), "kafka.bootstrapServers"));

        Map<String, Integer> topics = new TreeMap<>();
        for (Map<String, Object> d : docs) {
            if ("KafkaTopic".equals(d.get("kind"))) {
                topics.put(Yamls.string(d, "metadata.name"), (Integer) Yamls.at(d, "spec.partitions"));
                assertThat(((Number) Yamls.at(d, "spec.config.max.message.bytes")).longValue())
                    .isGreaterThanOrEqualTo(ComposeFileTest.MAX_RECORD_BYTES);
                assertThat(Yamls.string(d, "metadata.labels.strimzi.io/cluster")).isEqualTo(Yamls.string(kafka, "metadata.name"));
            }
        }
        Map<String, Integer> compose = new TreeMap<>();
        for (String spec : Yamls.string(ComposeFileTest.COMPOSE, "services.kafka-topics.environment.TOPICS").trim().split("\\s+")) {
            compose.put(spec.split(":")[0], Integer.parseInt(spec.split(":")[1]));
        }
        assertThat(topics).isEqualTo(compose);

        // KEDA never usefully scales a service past its step topic's partitions
        Map<String, Object> values = Yamls.load(HelmChartTest.CHART.resolve("values.yaml"));
        Yamls.map(values, "services").forEach((service, v) -> assertThat(topics.get(Yamls.string(v, "step.topic")))
            .as(service).isGreaterThanOrEqualTo((Integer) Yamls.at(v, "autoscaling.maxReplicas")));
    }

    @Test
    void cloudNativePgClusterMatchesTheChartsDefaults() throws IOException {
        Map<String, Object> cluster = loadAll(EXAMPLES.resolve("cloudnative-pg.yaml")).get(0);
        Map<String, Object> values = Yamls.load(HelmChartTest.CHART.resolve("values.yaml"));
        String name = Yamls.string(cluster, "metadata.name");

        assertThat(cluster.get("kind")).isEqualTo("Cluster");
        assertThat(Yamls.string(values, "postgresql.url")).isEqualTo(
            "jdbc:postgresql://" + name + "-rw:5432/" + Yamls.string(cluster, "spec.bootstrap.initdb.database"));
        assertThat(Yamls.string(values, "postgresql.username")).isEqualTo(Yamls.string(cluster, "spec.bootstrap.initdb.owner"));
        assertThat(Yamls.string(Yamls.load(EXAMPLES.resolve("values-production.yaml")), "postgresql.existingSecret"))
            .isEqualTo(name + "-app");
    }

    @Test
    void productionValuesRenderWithGpusKedaAndExternalSecrets() {
        Manifests m = HelmChartTest.render(EXAMPLES.resolve("values-production.yaml"));

        assertThat(m.names("ScaledObject")).hasSize(4);
        assertThat(m.names("Secret")).isEmpty();
        assertThat(Yamls.list(Manifests.appContainer(HelmChartTest.deployment(m, "gateway")), "env").toString())
            .contains("NEUROPIPE_ADMIN_KEY").contains("neuropipe-admin");
        assertThat(m.names("PersistentVolumeClaim")).containsExactly("np-neuropipe-models");
        Map<String, Object> gpus = new TreeMap<>();
        m.ofKind("Deployment").forEach(d -> {
            Object gpu = Yamls.map(Manifests.appContainer(d), "resources.limits").get("nvidia.com/gpu");
            if (gpu != null) {
                gpus.put(Yamls.string(d, "metadata.labels.app.kubernetes.io/component"), gpu);
            }
            assertThat((String) Manifests.appContainer(d).get("image")).startsWith("registry.example.com/neuropipe/");
        });
        assertThat(gpus).isEqualTo(Map.of("llm-decoder", 1, "image-generator", 1));
    }
}
