package io.neuropipe.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.neuropipe.deploy.Manifests.allContainers;
import static io.neuropipe.deploy.Manifests.appContainer;
import static io.neuropipe.deploy.Manifests.env;
import static io.neuropipe.deploy.Manifests.podSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Helm chart in helm/neuropipe, linted and rendered through helm-java (no helm binary, no cluster). */
class HelmChartTest {

    static final Path CHART = Yamls.root().resolve("helm/neuropipe");
    static final Path GPU_VALUES = Path.of("src/test/resources/values-gpu.yaml").toAbsolutePath();
    static final Path KEDA_VALUES = Path.of("src/test/resources/values-keda.yaml").toAbsolutePath();
    static final String RELEASE = "np";
    /** helm-java renders for Kubernetes 1.20 unless told otherwise; the chart needs >= 1.25. */
    static final String KUBE_VERSION = "1.31.0";
    static final String PREFIX = "np-neuropipe-";

    /** Component -> port, as the apps configure server.port. */
    static final Map<String, Integer> COMPONENTS = Map.of(
        "gateway", 8080, "neural-encoder", 8081, "token-pruner", 8082, "llm-decoder", 8083, "image-generator", 8084);
    static final Set<String> SERVICES = Set.of("neural-encoder", "token-pruner", "llm-decoder", "image-generator");

    static Manifests render(Map<String, Object> sets, Path... valuesFiles) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace("neuropipe")
            .withKubeVersion(KUBE_VERSION);
        for (Path values : valuesFiles) {
            template = template.withValuesFile(values);
        }
        for (Map.Entry<String, Object> set : sets.entrySet()) {
            template = template.set(set.getKey(), set.getValue());
        }
        return Manifests.parse(template.call());
    }

    static Manifests render(Path... valuesFiles) {
        return render(Map.of(), valuesFiles);
    }

    static Map<String, Object> deployment(Manifests m, String component) {
        return m.get("Deployment", PREFIX + component);
    }

    @Test
    void lintStrictIsClean() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(msg -> msg.contains("[WARNING]") || msg.contains("[ERROR]"));
    }

    @Test
    void defaultsRenderEveryComponentWithItsSupportingObjects() {
        Manifests m = render();

        Set<String> expected = COMPONENTS.keySet().stream().map(c -> PREFIX + c).collect(Collectors.toSet());
        assertThat(m.names("Deployment")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(m.names("Service")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(m.names("PodDisruptionBudget")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(m.names("NetworkPolicy")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(m.names("ServiceAccount")).containsExactly("np-neuropipe");
        assertThat(m.names("ConfigMap")).containsExactly("np-neuropipe-config");
        assertThat(m.names("Secret")).containsExactlyInAnyOrder("np-neuropipe-postgresql", "np-neuropipe-admin");
        assertThat(Yamls.string(m.get("Secret", "np-neuropipe-admin"), "data.admin-key")).as("a generated admin key").isNotBlank();
        assertThat(m.names("ScaledObject")).isEmpty();
        assertThat(m.names("PersistentVolumeClaim")).isEmpty();

        for (String component : COMPONENTS.keySet()) {
            Map<String, Object> service = m.get("Service", PREFIX + component);
            Map<String, Object> pdb = m.get("PodDisruptionBudget", PREFIX + component);
            Map<String, Object> selector = Yamls.map(deployment(m, component), "spec.selector.matchLabels");
            assertThat(Yamls.map(service, "spec.selector")).isEqualTo(selector);
            assertThat(Yamls.map(pdb, "spec.selector.matchLabels")).isEqualTo(selector);
            assertThat(Yamls.map(deployment(m, component), "spec.template.metadata.labels")).containsAllEntriesOf(selector);
            assertThat(Yamls.list(service, "spec.ports")).singleElement()
                .satisfies(p -> assertThat(p).containsEntry("targetPort", "http").containsEntry("port", COMPONENTS.get(component)));
            assertThat(Yamls.string(podSpec(deployment(m, component)), "serviceAccountName")).isEqualTo("np-neuropipe");
        }
    }

    @Test
    void everyAppContainerHasActuatorProbesOnItsHttpPort() {
        for (Manifests m : List.of(render(), render(GPU_VALUES), render(KEDA_VALUES))) {
            for (String component : COMPONENTS.keySet()) {
                Map<String, Object> container = appContainer(deployment(m, component));

                assertThat(Yamls.list(container, "ports")).singleElement().satisfies(p -> assertThat(p)
                    .containsEntry("name", "http").containsEntry("containerPort", COMPONENTS.get(component)));
                assertThat(Yamls.string(container, "startupProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
                assertThat(Yamls.string(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
                assertThat(Yamls.string(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    assertThat(Yamls.string(container, probe + ".httpGet.port")).as(component + " " + probe).isEqualTo("http");
                }
                assertThat(env(container)).containsEntry("SERVER_PORT", COMPONENTS.get(component).toString());
            }
        }
    }

    @Test
    void imagesArePinnedAndNeverLatest() {
        for (Manifests m : List.of(render(), render(GPU_VALUES), render(KEDA_VALUES),
                render(Map.of("image.tag", "1.2.3", "models.image.tag", "2026-11-01")))) {
            m.ofKind("Deployment").flatMap(d -> allContainers(d).stream()).forEach(container -> {
                String image = (String) container.get("image");
                String tag = image.substring(image.lastIndexOf(':') + 1);
                assertThat(image).as("image of %s", container.get("name")).matches("[^:]+/[^:/]+:[^:/]+");
                assertThat(tag).isNotBlank().doesNotStartWith("latest");
            });
        }
        assertThat(appContainer(deployment(render(), "gateway")).get("image")).isEqualTo("ghcr.io/neuropipe/gateway:0.1.0");
    }

    @Test
    void cpuByDefaultWithoutAnyGpuRequest() {
        Manifests m = render();

        assertThat(m.documents().toString()).doesNotContain("nvidia.com/gpu:").doesNotContain("-gpu");
        for (String service : SERVICES) {
            Map<String, Object> container = appContainer(deployment(m, service));
            assertThat(env(container)).containsEntry("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER", "cpu")
                .containsEntry("NEUROPIPE_MODELS_REPOSITORY", "/models")
                .doesNotContainKey("NEUROPIPE_RUNTIME_DEVICE_ID");
            assertThat(Yamls.list(podSpec(deployment(m, service)), "tolerations")).isEmpty();
        }
    }

    @Test
    void gpuLimitsExactlyWhereEnabled() {
        Manifests m = render(GPU_VALUES);

        Map<String, Object> gpuLimits = new TreeMap<>();
        for (String component : COMPONENTS.keySet()) {
            Object limit = Yamls.map(appContainer(deployment(m, component)), "resources.limits").get("nvidia.com/gpu");
            if (limit != null) {
                gpuLimits.put(component, limit);
            }
            for (Map<String, Object> init : Yamls.list(podSpec(deployment(m, component)), "initContainers")) {
                assertThat(Yamls.map(init, "resources.limits")).doesNotContainKey("nvidia.com/gpu");
            }
        }
        assertThat(gpuLimits).isEqualTo(Map.of("llm-decoder", 1, "image-generator", 2));

        Map<String, Object> decoder = appContainer(deployment(m, "llm-decoder"));
        assertThat(decoder.get("image")).isEqualTo("ghcr.io/neuropipe/llm-decoder:0.1.0-gpu");
        assertThat(Yamls.map(decoder, "resources.limits")).containsEntry("memory", "3Gi");
        assertThat(env(decoder)).containsEntry("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER", "cuda")
            .containsEntry("NEUROPIPE_RUNTIME_DEVICE_ID", "0")
            .containsEntry("NEUROPIPE_RUNTIME_GPU_MEM_LIMIT_BYTES", "8589934592")
            .containsEntry("NEUROPIPE_RUNTIME_CUDNN_EXHAUSTIVE_SEARCH", "true")
            .doesNotContainKey("NEUROPIPE_RUNTIME_TENSORRT_CACHE_DIR");
        assertThat(Yamls.map(podSpec(deployment(m, "llm-decoder")), "nodeSelector"))
            .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
        assertThat(Yamls.list(podSpec(deployment(m, "llm-decoder")), "tolerations"))
            .anySatisfy(t -> assertThat(t).containsEntry("key", "nvidia.com/gpu").containsEntry("effect", "NoSchedule"));

        Map<String, Object> generator = appContainer(deployment(m, "image-generator"));
        assertThat(env(generator)).containsEntry("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER", "tensorrt")
            .containsEntry("NEUROPIPE_RUNTIME_DEVICE_ID", "1")
            .containsEntry("NEUROPIPE_RUNTIME_TENSORRT_CACHE_DIR", "/var/cache/neuropipe/tensorrt")
            .containsEntry("NEUROPIPE_RUNTIME_TENSORRT_FP16", "true");
        assertThat(Yamls.list(generator, "volumeMounts"))
            .anySatisfy(v -> assertThat(v).containsEntry("mountPath", "/var/cache/neuropipe/tensorrt"));

        for (String cpuOnly : List.of("gateway", "neural-encoder", "token-pruner")) {
            Map<String, Object> container = appContainer(deployment(m, cpuOnly));
            assertThat((String) container.get("image")).doesNotEndWith("-gpu");
            assertThat(Yamls.list(podSpec(deployment(m, cpuOnly)), "tolerations")).isEmpty();
        }
        assertThat(env(appContainer(deployment(m, "neural-encoder"))))
            .containsEntry("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER", "cpu");
    }

    @Test
    void scaledObjectsOnlyWhenKedaIsOn() {
        assertThat(render().names("ScaledObject")).isEmpty();
        assertThat(render(GPU_VALUES).names("ScaledObject")).isEmpty();

        Manifests m = render(KEDA_VALUES);
        assertThat(m.names("ScaledObject")).containsExactlyInAnyOrderElementsOf(
            SERVICES.stream().map(s -> PREFIX + s).toList());
        Map<String, Map<String, Object>> apps = AppConfigs.services();
        for (String service : SERVICES) {
            Map<String, Object> scaled = m.get("ScaledObject", PREFIX + service);
            assertThat(Yamls.string(scaled, "apiVersion")).isEqualTo("keda.sh/v1alpha1");
            assertThat(Yamls.string(scaled, "spec.scaleTargetRef.name")).isEqualTo(PREFIX + service);
            List<Map<String, Object>> triggers = Yamls.list(scaled, "spec.triggers");
            // one lag trigger per step topic the service consumes
            assertThat(triggers).extracting(t -> Yamls.string(t, "metadata.topic"))
                .containsExactlyElementsOf(AppConfigs.inputDestinations(apps.get(service)));
            for (Map<String, Object> trigger : triggers) {
                assertThat(trigger).containsEntry("type", "kafka");
                assertThat(Yamls.map(trigger, "metadata"))
                    .containsEntry("bootstrapServers", "neuropipe-kafka-bootstrap.kafka.svc:9092")
                    .containsEntry("consumerGroup", AppConfigs.inputGroup(apps.get(service)));
                assertThat(Yamls.string(trigger, "authenticationRef.name")).isEqualTo("kafka-scram");
            }
            // KEDA owns the replica count: a Deployment that set it would fight the HPA on every upgrade
            assertThat(Yamls.map(deployment(m, service), "spec")).doesNotContainKey("replicas");
        }
        assertThat(Yamls.map(m.get("ScaledObject", PREFIX + "neural-encoder"), "spec"))
            .containsEntry("minReplicaCount", 0).containsEntry("maxReplicaCount", 6);
        assertThat(Yamls.string(Yamls.list(m.get("ScaledObject", PREFIX + "neural-encoder"), "spec.triggers").get(0),
            "metadata.lagThreshold")).isEqualTo("50");
        assertThat(Yamls.map(deployment(m, "gateway"), "spec")).containsEntry("replicas", 2);
    }

    @Test
    void chartValuesAgreeWithTheAppsConfiguration() {
        Map<String, Object> values = Yamls.load(CHART.resolve("values.yaml"));
        Map<String, Map<String, Object>> apps = AppConfigs.services();
        assertThat(apps.keySet()).isEqualTo(SERVICES);
        for (String service : SERVICES) {
            Map<String, Object> app = apps.get(service);
            Map<String, Object> chart = Yamls.map(values, "services." + service);
            assertThat(chart.get("port")).as(service).isEqualTo(AppConfigs.port(app));
            List<String> chartTopics = new java.util.ArrayList<>(List.of(Yamls.string(chart, "step.topic")));
            Object extra = Yamls.map(chart, "step").get("extraTopics");
            if (extra instanceof List<?> more) {
                more.forEach(t -> chartTopics.add(t.toString()));
            }
            assertThat(chartTopics).as(service).isEqualTo(AppConfigs.inputDestinations(app));
            assertThat(Yamls.string(chart, "step.consumerGroup")).isEqualTo(AppConfigs.inputGroup(app));
        }
        assertThat(Yamls.map(values, "gateway").get("port")).isEqualTo(AppConfigs.port(AppConfigs.gateway()));
    }

    @Test
    void gatewayAndEncoderGetTheDatabaseOtherServicesDoNot() {
        Manifests m = render();
        Map<String, Object> gateway = appContainer(deployment(m, "gateway"));
        assertThat(env(gateway)).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://neuropipe-db-rw:5432/neuropipe")
            .containsEntry("SPRING_DATASOURCE_USERNAME", "neuropipe")
            .containsEntry("NEUROPIPE_GATEWAY_MODEL_REPOSITORY", "/models")
            .containsKey("SPRING_DATASOURCE_PASSWORD");
        assertThat(Yamls.list(gateway, "env")).anySatisfy(e -> assertThat(e).containsEntry("name", "SPRING_DATASOURCE_PASSWORD")
            .satisfies(x -> assertThat(Yamls.string(x, "valueFrom.secretKeyRef.name")).isEqualTo("np-neuropipe-postgresql")));
        assertThat(env(gateway)).containsEntry("NEUROPIPE_GATEWAY_SUBJECTS_URL", "http://np-neuropipe-neural-encoder:8081");
        for (String service : SERVICES) {
            Map<String, Object> container = appContainer(deployment(m, service));
            Map<String, String> env = env(container);
            if (service.equals("neural-encoder")) {
                // the subjects registry
                assertThat(env).containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://neuropipe-db-rw:5432/neuropipe")
                    .containsKey("SPRING_DATASOURCE_PASSWORD").containsEntry("NEUROPIPE_MODELS_REPOSITORY", "/models");
            } else {
                assertThat(env).as(service).doesNotContainKey("SPRING_DATASOURCE_URL");
            }
            assertThat(env).as("the claim-check blob store is the gateway's database")
                .containsEntry("NEUROPIPE_BLOBS_POSTGRES_URL", "jdbc:postgresql://neuropipe-db-rw:5432/neuropipe")
                .containsEntry("NEUROPIPE_BLOBS_POSTGRES_USERNAME", "neuropipe");
            assertThat(Yamls.list(container, "env")).anySatisfy(e -> assertThat(e).containsEntry("name", "NEUROPIPE_BLOBS_POSTGRES_PASSWORD")
                .satisfies(x -> assertThat(Yamls.string(x, "valueFrom.secretKeyRef.name")).isEqualTo("np-neuropipe-postgresql")));
        }
        Map<String, Object> config = Yamls.map(m.get("ConfigMap", "np-neuropipe-config"), "data");
        assertThat(config).containsEntry("SPRING_KAFKA_BOOTSTRAP_SERVERS", "neuropipe-kafka-bootstrap.kafka.svc:9092")
            .containsEntry("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED", "true");
        for (Map<String, Object> d : m.ofKind("Deployment").toList()) {
            assertThat(Yamls.list(appContainer(d), "envFrom"))
                .anySatisfy(e -> assertThat(Yamls.string(e, "configMapRef.name")).isEqualTo("np-neuropipe-config"));
        }
    }

    @Test
    void cloudNativePgSecretReplacesTheChartsSecret() {
        Manifests m = render(Map.of("postgresql.existingSecret", "neuropipe-db-app",
            "kafka.jaasConfigSecret.name", "kafka-user"));

        assertThat(m.names("Secret")).as("only the generated admin key is left").containsExactly("np-neuropipe-admin");
        List<Map<String, Object>> env = Yamls.list(appContainer(deployment(m, "gateway")), "env");
        Map<String, String> refs = new TreeMap<>();
        for (Map<String, Object> e : env) {
            String secret = Yamls.string(e, "valueFrom.secretKeyRef.name");
            if (secret != null) {
                refs.put((String) e.get("name"), secret + "/" + Yamls.string(e, "valueFrom.secretKeyRef.key"));
            }
        }
        assertThat(refs).isEqualTo(Map.of(
            "NEUROPIPE_ADMIN_KEY", "np-neuropipe-admin/admin-key",
            "SPRING_DATASOURCE_USERNAME", "neuropipe-db-app/username",
            "SPRING_DATASOURCE_PASSWORD", "neuropipe-db-app/password",
            "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "kafka-user/sasl.jaas.config"));
        Map<String, String> serviceRefs = new TreeMap<>();
        for (Map<String, Object> e : Yamls.list(appContainer(deployment(m, "image-generator")), "env")) {
            String secret = Yamls.string(e, "valueFrom.secretKeyRef.name");
            if (secret != null) {
                serviceRefs.put((String) e.get("name"), secret + "/" + Yamls.string(e, "valueFrom.secretKeyRef.key"));
            }
        }
        assertThat(serviceRefs).containsEntry("NEUROPIPE_BLOBS_POSTGRES_USERNAME", "neuropipe-db-app/username")
            .containsEntry("NEUROPIPE_BLOBS_POSTGRES_PASSWORD", "neuropipe-db-app/password");
    }

    @Test
    void modelsComeFromAnInitContainerOrAPersistentVolumeClaim() {
        Manifests byImage = render();
        for (Map<String, Object> d : byImage.ofKind("Deployment").toList()) {
            assertThat(Yamls.list(podSpec(d), "initContainers")).singleElement()
                .satisfies(init -> assertThat(init.get("image")).isEqualTo("ghcr.io/neuropipe/models:0.1.0"));
            assertThat(Yamls.list(appContainer(d), "volumeMounts")).anySatisfy(v -> assertThat(v)
                .containsEntry("name", "models").containsEntry("mountPath", "/models").containsEntry("readOnly", true));
        }

        Manifests byClaim = render(Map.of("models.source", "pvc"));
        assertThat(byClaim.names("PersistentVolumeClaim")).containsExactly("np-neuropipe-models");
        for (Map<String, Object> d : byClaim.ofKind("Deployment").toList()) {
            assertThat(Yamls.list(podSpec(d), "initContainers")).isEmpty();
            assertThat(Yamls.list(podSpec(d), "volumes")).anySatisfy(v -> assertThat(Yamls.string(v,
                "persistentVolumeClaim.claimName")).isEqualTo("np-neuropipe-models"));
        }

        Manifests existing = render(Map.of("models.source", "pvc", "models.pvc.existingClaim", "zoo"));
        assertThat(existing.names("PersistentVolumeClaim")).isEmpty();
        assertThat(Yamls.list(podSpec(deployment(existing, "llm-decoder")), "volumes"))
            .anySatisfy(v -> assertThat(Yamls.string(v, "persistentVolumeClaim.claimName")).isEqualTo("zoo"));
    }

    @Test
    void podsRunAsNonRootOnAReadOnlyRootFilesystem() {
        for (Map<String, Object> d : render(GPU_VALUES).ofKind("Deployment").toList()) {
            assertThat(Yamls.map(podSpec(d), "securityContext")).containsEntry("runAsNonRoot", true);
            for (Map<String, Object> c : allContainers(d)) {
                assertThat(Yamls.map(c, "securityContext"))
                    .containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false);
            }
            assertThat(Yamls.list(appContainer(d), "volumeMounts")).anySatisfy(v -> assertThat(v).containsEntry("mountPath", "/tmp"));
        }
    }

    @Test
    void networkPoliciesOpenTheGatewayAndOnlyMetricsScrapesToServices() {
        Manifests m = render();
        Map<String, Object> gateway = m.get("NetworkPolicy", PREFIX + "gateway");
        assertThat(Yamls.list(gateway, "spec.ingress")).singleElement().satisfies(rule -> assertThat(rule).doesNotContainKey("from"));
        for (String service : SERVICES) {
            Map<String, Object> policy = m.get("NetworkPolicy", PREFIX + service);
            assertThat(Yamls.map(policy, "spec.podSelector.matchLabels")).containsEntry("app.kubernetes.io/component", service);
            assertThat(Yamls.list(policy, "spec.ingress")).singleElement().satisfies(rule -> assertThat(
                Yamls.string(Yamls.list(rule, "from").get(0), "namespaceSelector.matchLabels.kubernetes.io/metadata.name"))
                .isEqualTo("monitoring"));
            assertThat(Yamls.at(policy, "spec.policyTypes")).isEqualTo(List.of("Ingress"));
        }

        Manifests egress = render(Map.of("networkPolicy.egress.enabled", true));
        assertThat(Yamls.list(egress.get("NetworkPolicy", PREFIX + "gateway"), "spec.egress")).hasSize(3);
        // DNS, Kafka and PostgreSQL (the services' blob store) for every component
        assertThat(Yamls.list(egress.get("NetworkPolicy", PREFIX + "llm-decoder"), "spec.egress")).hasSize(3);

        assertThat(render(Map.of("networkPolicy.enabled", false)).names("NetworkPolicy")).isEmpty();
    }

    @Test
    void tracingExportsOverOtlpOnlyWhenAnEndpointIsSet(@TempDir Path dir) throws Exception {
        Map<String, Object> defaults = Yamls.map(render().get("ConfigMap", "np-neuropipe-config"), "data");
        assertThat(defaults).containsEntry("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "1")
            .doesNotContainKey("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT");

        // --set cannot give a float, so the sampling probability comes from a values file
        Path tracing = Files.writeString(dir.resolve("tracing.yaml"), "tracing:\n  samplingProbability: 0.25\n");
        Manifests m = render(Map.of("tracing.otlp.endpoint", "http://otel-collector.monitoring:4318/v1/traces",
            "networkPolicy.egress.enabled", true, "networkPolicy.egress.otlp[0].ports[0].port", 4318), tracing);
        assertThat(Yamls.map(m.get("ConfigMap", "np-neuropipe-config"), "data"))
            .containsEntry("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", "http://otel-collector.monitoring:4318/v1/traces")
            .containsEntry("MANAGEMENT_TRACING_SAMPLING_PROBABILITY", "0.25");
        for (Map<String, Object> policy : m.ofKind("NetworkPolicy").toList()) {
            assertThat(Yamls.list(policy, "spec.egress")).as(Yamls.string(policy, "metadata.name"))
                .anySatisfy(rule -> assertThat(rule.toString()).contains("port=4318"));
        }
        assertThatThrownBy(() -> render(Map.of("tracing.otlp.endpoint", "otel-collector:4318")))
            .hasMessageContaining("values don't meet the specifications of the schema").hasMessageContaining("endpoint");
    }

    @Test
    void serviceMonitorScrapesEveryComponentOnlyWhenEnabled() {
        assertThat(render().names("ServiceMonitor")).isEmpty();

        Manifests m = render(Map.of("metrics.serviceMonitor.enabled", true, "metrics.serviceMonitor.labels.release", "kps"));
        Map<String, Object> monitor = m.get("ServiceMonitor", "np-neuropipe");
        assertThat(Yamls.string(monitor, "metadata.labels.release")).isEqualTo("kps");
        assertThat(Yamls.list(monitor, "spec.endpoints")).singleElement().satisfies(e -> assertThat(e)
            .containsEntry("port", "http").containsEntry("path", "/actuator/prometheus"));
        Map<String, Object> selector = Yamls.map(monitor, "spec.selector.matchLabels");
        assertThat(m.ofKind("Service")).hasSize(5)
            .allSatisfy(service -> assertThat(Yamls.map(service, "metadata.labels")).containsAllEntriesOf(selector));
    }

    @Test
    void disabledComponentsAreLeftOut() {
        Manifests m = render(Map.of("services.image-generator.enabled", false, "keda.enabled", true));
        Set<String> names = new TreeSet<>(m.names());
        assertThat(names).noneMatch(n -> n.contains("image-generator"));
        assertThat(m.names("ScaledObject")).hasSize(3);
    }

    @Test
    void notesTellHowToReachTheGatewayAndWhatRunsWhere() {
        String notes = new Helm(CHART).install().withName(RELEASE).withNamespace("neuropipe").withKubeVersion(KUBE_VERSION)
            .dryRun().withDryRunOption(DryRun.CLIENT).clientOnly()
            .withValuesFile(GPU_VALUES).set("keda.enabled", true).call().getOutput();

        assertThat(notes).contains("NOTES:")
            .contains("kubectl -n neuropipe port-forward svc/np-neuropipe-gateway 8080:8080")
            .containsPattern("llm-decoder +consumes neuropipe.step.decode as group llm-decoder on cuda \\(1 x nvidia.com/gpu\\)")
            .containsPattern("neural-encoder +consumes neuropipe.step.encode as group neural-encoder on cpu\\n")
            .contains("get scaledobjects")
            .contains("WARNING: postgresql.password is empty");
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({
        "gateway.replicaCount, -1, replicaCount",
        "services.llm-decoder.replicaCount, -3, replicaCount",
        "services.image-generator.gpu.executionProvider, rocm, executionProvider",
        "services.neural-encoder.gpu.count, 0, count",
        "image.tag, latest, tag",
        "models.image.tag, latest, tag",
        "models.source, s3, source",
        "kafka.securityProtocol, TLS, securityProtocol",
        "services.token-pruner.replicas, 2, replicas",
        "postgresql.url, postgres://db/neuropipe, url",
    })
    void schemaRejectsBadValues(String key, String value, String mentioned) {
        Map<String, Object> sets = new LinkedHashMap<>();
        sets.put(key, value);
        assertThatThrownBy(() -> render(sets))
            .hasMessageContaining("values don't meet the specifications of the schema")
            .hasMessageContaining(mentioned);
    }

    @Test
    void kedaBoundsMustBeOrdered() {
        assertThatThrownBy(() -> render(Map.of("keda.enabled", true,
                "services.token-pruner.autoscaling.minReplicas", 5, "services.token-pruner.autoscaling.maxReplicas", 2)))
            .hasMessageContaining("services.token-pruner.autoscaling: minReplicas (5) exceeds maxReplicas (2)");
    }

    @Test
    void schemaAcceptsTheDocumentedAlternatives() {
        Map<String, Object> sets = new LinkedHashMap<>();
        sets.put("services.llm-decoder.gpu.enabled", true);
        sets.put("services.llm-decoder.gpu.executionProvider", "tensorrt");
        sets.put("kafka.securityProtocol", "SASL_SSL");
        sets.put("kafka.properties.sasl\\.mechanism", "SCRAM-SHA-512");
        sets.put("gateway.podDisruptionBudget.maxUnavailable", "50%");
        Manifests m = render(sets);

        assertThat(env(appContainer(deployment(m, "llm-decoder")))).containsEntry("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER", "tensorrt");
        // the services' defaults share YAML anchors in values.yaml: setting one must not switch the others
        for (String other : List.of("neural-encoder", "token-pruner", "image-generator")) {
            assertThat(env(appContainer(deployment(m, other)))).containsEntry("NEUROPIPE_RUNTIME_EXECUTION_PROVIDER", "cpu");
        }
        assertThat(Yamls.string(m.get("ConfigMap", "np-neuropipe-config"), "data.neuropipe.yml"))
            .contains("sasl.mechanism: SCRAM-SHA-512");
    }
}
