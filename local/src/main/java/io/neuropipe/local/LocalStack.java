package io.neuropipe.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.neuropipe.decoder.LlmDecoderApplication;
import io.neuropipe.encoder.NeuralEncoderApplication;
import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.generator.ImageGeneratorApplication;
import io.neuropipe.pruner.TokenPrunerApplication;
import io.neuropipe.runtime.embedded.EmbeddedKafkaBroker;
import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in one JVM: a real Kafka broker (KRaft), a real PostgreSQL, the gateway and
 * the four services, each a Spring Boot application with its production configuration; only the
 * Kafka and PostgreSQL addresses are local.
 */
public final class LocalStack implements AutoCloseable {

    private static final String DATABASE = "neuropipe";
    // The gateway's JDBC/Flyway auto-configuration is on this shared classpath; services own no tables yet.
    private static final String NO_DATABASE = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
        + "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration,"
        + "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration,"
        + "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration,"
        + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";

    private final LocalOptions options;
    private EmbeddedKafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    private final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final List<ApplicationContextInitializer<ConfigurableApplicationContext>> initializers = new ArrayList<>();

    public LocalStack(LocalOptions options) {
        this.options = options;
    }

    /** Runs {@code initializer} on every application before it refreshes (tests register extra beans with it). */
    public LocalStack withInitializer(ApplicationContextInitializer<ConfigurableApplicationContext> initializer) {
        initializers.add(initializer);
        return this;
    }

    public LocalStack start() {
        kafka = new EmbeddedKafkaBroker(options.dataDir().resolve("kafka"), options.kafkaPort(), 8).start();
        postgres = new EmbeddedPostgresServer(options.dataDir().resolve("postgres"), options.postgresPort()).start(DATABASE);
        try {
            startService("neural-encoder", NeuralEncoderApplication.builder(), 8081);
            startService("token-pruner", TokenPrunerApplication.builder(), 8082);
            startService("llm-decoder", LlmDecoderApplication.builder(), 8083);
            startService("image-generator", ImageGeneratorApplication.builder(), 8084);
            Map<String, Object> gateway = common(options.gatewayPort());
            gateway.put("spring.datasource.url", postgres.jdbcUrl(DATABASE));
            gateway.put("spring.datasource.username", EmbeddedPostgresServer.USER);
            gateway.put("spring.datasource.password", "");
            // Local mode is a single-user developer setup: no API keys (see the gateway's auth settings).
            gateway.put("neuropipe.gateway.auth.enabled", false);
            gateway.put("neuropipe.gateway.model-repository", options.modelRepository().toAbsolutePath().toString());
            start("gateway", GatewayApplication.builder(), gateway);
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startService(String name, SpringApplicationBuilder builder, int port) {
        Map<String, Object> props = common(options.servicePorts() ? port : 0);
        props.put("spring.autoconfigure.exclude", NO_DATABASE);
        start(name, builder, props);
    }

    private Map<String, Object> common(int port) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        props.put("neuropipe.models.repository", options.modelRepository().toAbsolutePath().toString());
        props.put("server.port", port);
        // Five applications share two cores here: one ORT thread per session keeps them from thrashing.
        props.put("neuropipe.runtime.intra-op-threads", 1);
        props.put("neuropipe.runtime.inter-op-threads", 1);
        return props;
    }

    private void start(String name, SpringApplicationBuilder builder, Map<String, Object> props) {
        // Command-line arguments outrank each application's own config file (default properties would not).
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        initializers.forEach(builder::initializers);
        ConfigurableApplicationContext context = builder.run(args);
        apps.add(context);
        if (context instanceof WebServerApplicationContext web) {
            ports.put(name, web.getWebServer().getPort());
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String jdbcUrl() {
        return postgres.jdbcUrl(DATABASE);
    }

    /** HTTP port of each application, by name. */
    public Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    public String gatewayUrl() {
        return "http://localhost:" + ports.get("gateway");
    }

    @Override
    public void close() {
        for (int i = apps.size() - 1; i >= 0; i--) {
            try {
                apps.get(i).close();
            } catch (RuntimeException ignored) {
                // keep closing the rest
            }
        }
        apps.clear();
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
