package io.neuropipe.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.neuropipe.decoder.LlmDecoderApplication;
import io.neuropipe.encoder.NeuralEncoderApplication;
import io.neuropipe.gateway.GatewayApplication;
import io.neuropipe.generator.ImageGeneratorApplication;
import io.neuropipe.pruner.TokenPrunerApplication;
import io.neuropipe.runtime.embedded.EmbeddedKafkaBroker;
import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.embedded.KafkaBroker;
import io.neuropipe.runtime.embedded.KafkaBrokerProcess;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole platform in one JVM: a real Kafka broker (KRaft), a real PostgreSQL, the gateway and
 * the four services, each a Spring Boot application with its production configuration; only the
 * Kafka and PostgreSQL addresses are local. One application can be stopped and started again
 * while the rest keeps running ({@link #stop(String)}, {@link #start(String)}), e.g. to test that
 * no job is lost when a service or the gateway goes away mid-run; it comes back on the same port.
 * PostgreSQL and (with {@link #kafkaInChildProcess()}) Kafka can be crashed and started again on
 * their data and ports the same way ({@link #crashPostgres()}, {@link #crashKafka()}).
 */
public final class LocalStack implements AutoCloseable {

    private static final String DATABASE = "neuropipe";
    // The JDBC/Flyway auto-configuration is on this shared classpath; services without tables leave it out and
    // reach the gateway's blob tables through neuropipe.blobs.postgres.* instead.
    private static final String NO_DATABASE = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
        + "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration,"
        + "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration,"
        + "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration,"
        + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";

    private final LocalOptions options;
    private boolean kafkaInChildProcess;
    private KafkaBroker kafka;
    private EmbeddedPostgresServer postgres;
    /** Every application in start order; a stopped one keeps its entry with no context. */
    private final Map<String, App> apps = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Object> gatewayExtras = new LinkedHashMap<>();
    private final List<ApplicationContextInitializer<ConfigurableApplicationContext>> initializers = new ArrayList<>();

    /** How to (re)start one application: a fresh builder each time, as a builder runs only once. */
    private static final class App {
        final Supplier<SpringApplicationBuilder> builder;
        final Map<String, Object> props;
        ConfigurableApplicationContext context;

        App(Supplier<SpringApplicationBuilder> builder, Map<String, Object> props) {
            this.builder = builder;
            this.props = props;
        }
    }

    public LocalStack(LocalOptions options) {
        this.options = options;
    }

    /** An extra setting for the gateway (e.g. a pipeline a test declares); call before {@link #start()}. */
    public LocalStack gatewayProperty(String key, Object value) {
        gatewayExtras.put(key, value);
        return this;
    }

    /** Runs {@code initializer} on every application before it refreshes (tests register extra beans with it). */
    public LocalStack withInitializer(ApplicationContextInitializer<ConfigurableApplicationContext> initializer) {
        initializers.add(initializer);
        return this;
    }

    /**
     * Runs Kafka in a child JVM so that {@link #crashKafka()} can kill it; call before {@link #start()}.
     * Needs the Kafka server jars on this JVM's class path (a test JVM, not the launcher's fat jar).
     */
    public LocalStack kafkaInChildProcess() {
        kafkaInChildProcess = true;
        return this;
    }

    public LocalStack start() {
        Path kafkaData = options.dataDir().resolve("kafka");
        kafka = kafkaInChildProcess ? new KafkaBrokerProcess(kafkaData, options.kafkaPort(), 8)
            : new EmbeddedKafkaBroker(kafkaData, options.kafkaPort(), 8);
        kafka.start();
        postgres = new EmbeddedPostgresServer(options.dataDir().resolve("postgres"), options.postgresPort()).start(DATABASE);
        try {
            Map<String, Object> encoder = common(options.servicePorts() ? 8081 : 0);
            encoder.putAll(database());
            encoder.putAll(blobStore());
            launch("neural-encoder", NeuralEncoderApplication::builder, encoder);
            startService("token-pruner", TokenPrunerApplication::builder, 8082);
            startService("llm-decoder", LlmDecoderApplication::builder, 8083);
            startService("image-generator", ImageGeneratorApplication::builder, 8084);
            Map<String, Object> gateway = common(options.gatewayPort());
            gateway.putAll(database());
            gateway.put("neuropipe.gateway.subjects.url", "http://localhost:" + ports.get("neural-encoder"));
            // Local mode is a single-user developer setup: no API keys (see the gateway's auth settings).
            gateway.put("neuropipe.gateway.auth.enabled", false);
            gateway.put("neuropipe.gateway.model-repository", options.modelRepository().toAbsolutePath().toString());
            gateway.putAll(gatewayExtras);
            gateway.put("neuropipe.gateway.galleries.url", "http://localhost:" + ports.get("neural-encoder"));
            launch("gateway", GatewayApplication::builder, gateway);
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startService(String name, Supplier<SpringApplicationBuilder> builder, int port) {
        Map<String, Object> props = common(options.servicePorts() ? port : 0);
        props.put("spring.autoconfigure.exclude", NO_DATABASE);
        props.putAll(blobStore());
        launch(name, builder, props);
    }

    private Map<String, Object> blobStore() {
        return Map.of("neuropipe.blobs.postgres.url", postgres.jdbcUrl(DATABASE), "neuropipe.blobs.postgres.username",
            EmbeddedPostgresServer.USER, "neuropipe.blobs.postgres.password", "");
    }

    private Map<String, Object> database() {
        return Map.of("spring.datasource.url", postgres.jdbcUrl(DATABASE), "spring.datasource.username", EmbeddedPostgresServer.USER,
            "spring.datasource.password", "");
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

    private void launch(String name, Supplier<SpringApplicationBuilder> builder, Map<String, Object> props) {
        App app = new App(builder, props);
        apps.put(name, app);
        run(name, app);
    }

    private void run(String name, App app) {
        // Command-line arguments outrank each application's own config file (default properties would not).
        String[] args = app.props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        SpringApplicationBuilder builder = app.builder.get();
        initializers.forEach(builder::initializers);
        app.context = builder.run(args);
        if (app.context instanceof WebServerApplicationContext web) {
            int port = web.getWebServer().getPort();
            ports.put(name, port);
            app.props.put("server.port", port); // a restart comes back where clients expect it
        }
    }

    /** Names of the applications, in start order ({@code gateway}, {@code neural-encoder}, ...). */
    public List<String> applications() {
        return List.copyOf(apps.keySet());
    }

    /** Stops one application (its Kafka consumers leave their groups, its HTTP port closes); the rest keep running. */
    public synchronized void stop(String name) {
        App app = app(name);
        if (app.context != null) {
            app.context.close();
            app.context = null;
        }
    }

    /** Starts a stopped application again with the same settings and port. */
    public synchronized void start(String name) {
        App app = app(name);
        if (app.context == null) {
            run(name, app);
        }
    }

    /** The running application's context (tests reach its beans, e.g. to pause a binding). */
    public synchronized ConfigurableApplicationContext context(String name) {
        App app = app(name);
        if (app.context == null) {
            throw new IllegalStateException("Application '" + name + "' is not running");
        }
        return app.context;
    }

    public synchronized boolean isRunning(String name) {
        return app(name).context != null;
    }

    /** Kills the Kafka broker (SIGKILL of its process); needs {@link #kafkaInChildProcess()}. */
    public synchronized void crashKafka() {
        if (!(kafka instanceof KafkaBrokerProcess process)) {
            throw new IllegalStateException("Kafka runs in this JVM; call kafkaInChildProcess() before start() to crash it");
        }
        process.kill();
    }

    /** Starts the Kafka broker again on its log directory and port (after {@link #crashKafka()}). */
    public synchronized void startKafka() {
        kafka.start();
    }

    /** Kills PostgreSQL (SIGKILL of the postmaster and every backend). */
    public synchronized void crashPostgres() {
        postgres.crash();
    }

    /** Starts PostgreSQL again on its data directory and port (after {@link #crashPostgres()}); it recovers from its WAL. */
    public synchronized void startPostgres() {
        postgres.start(DATABASE);
    }

    private App app(String name) {
        App app = apps.get(name);
        if (app == null) {
            throw new IllegalArgumentException("No application '" + name + "' in the local stack; known: " + apps.keySet());
        }
        return app;
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
        List<App> running = new ArrayList<>(apps.values());
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                if (running.get(i).context != null) {
                    running.get(i).context.close();
                }
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
