package io.neuropipe.runtime.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triton-style model repository on disk: {@code <root>/<name>/<version>/model.onnx + model.yaml}.
 * Serves the newest version of a model unless one is pinned, verifies sha256 and the graph's
 * contract before a version is served, and swaps in newer versions without a restart.
 */
public final class ModelRepository implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelRepository.class);
    static final String GRAPH = "model.onnx";
    static final String CARD = "model.yaml";

    private final ModelRepositoryProperties props;
    private final ExecutionProviders providers;
    private final MeterRegistry registry;
    private final ModelContractChecker checker = new ModelContractChecker();
    private final ModelWarmUp warmUp = new ModelWarmUp();
    private final Map<String, OnnxModel> loaded = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    public ModelRepository(ModelRepositoryProperties props, ExecutionProviders providers, MeterRegistry registry) {
        this.props = props;
        this.providers = providers;
        this.registry = registry;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-repository");
            t.setDaemon(true);
            return t;
        });
        long poll = props.pollInterval().toMillis();
        if (poll > 0) {
            scheduler.scheduleWithFixedDelay(this::reloadNewerVersions, poll, poll, TimeUnit.MILLISECONDS);
        }
    }

    public Path root() {
        return props.repository();
    }

    /** The served version of {@code name}, loading it on first use. */
    public OnnxModel model(String name) {
        return loaded.computeIfAbsent(name, n -> load(n, servedVersion(n)));
    }

    /** The card of the version that would be served, without loading the graph. */
    public ModelCard card(String name) {
        OnnxModel model = loaded.get(name);
        if (model != null) {
            return model.card();
        }
        return ModelCardReader.read(versionDir(name, servedVersion(name)).resolve(CARD));
    }

    /** Names of every model in the repository. */
    public List<String> names() {
        try (Stream<Path> dirs = Files.list(props.repository())) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                .filter(n -> !versions(n).isEmpty()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list model repository " + props.repository(), e);
        }
    }

    /** Complete versions of a model (both files present), ascending. */
    public List<Integer> versions(String name) {
        Path dir = props.repository().resolve(name);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Integer> versions = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(p -> p.getFileName().toString().matches("\\d+"))
                .filter(p -> Files.isRegularFile(p.resolve(GRAPH)) && Files.isRegularFile(p.resolve(CARD)))
                .forEach(p -> versions.add(Integer.parseInt(p.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list versions of model " + name, e);
        }
        versions.sort(null);
        return versions;
    }

    int servedVersion(String name) {
        Integer pinned = props.pinnedVersions().get(name);
        List<Integer> versions = versions(name);
        if (pinned != null) {
            if (!versions.contains(pinned)) {
                throw new ModelContractException("Model " + name + " is pinned to version " + pinned
                    + " but the repository " + props.repository() + " has " + versions);
            }
            return pinned;
        }
        if (versions.isEmpty()) {
            throw new ModelContractException("Model " + name + " is not in the repository " + props.repository().toAbsolutePath());
        }
        return versions.get(versions.size() - 1);
    }

    private Path versionDir(String name, int version) {
        return props.repository().resolve(name).resolve(Integer.toString(version));
    }

    /** Loads one version: card, checksum, session, contract check, warm-up. */
    public OnnxModel load(String name, int version) {
        Path dir = versionDir(name, version);
        ModelCard card = ModelCardReader.read(dir.resolve(CARD));
        if (!card.name().equals(name) || card.version() != version) {
            throw new ModelContractException("Card in " + dir + " describes " + card.id() + ", not " + name + "/" + version);
        }
        Path graph = dir.resolve(GRAPH);
        String actual = sha256(graph);
        if (!actual.equalsIgnoreCase(card.sha256())) {
            throw new ModelContractException("Model " + card.id() + ": sha256 of " + graph + " is " + actual
                + " but its card says " + card.sha256() + "; refusing to load it");
        }
        long start = System.nanoTime();
        try {
            ExecutionProviders.Selection selection = providers.options(card.id());
            OrtSession session;
            try (OrtSession.SessionOptions options = selection.options()) {
                session = OrtEnvironment.getEnvironment().createSession(graph.toString(), options);
            }
            OnnxModel model = new OnnxModel(card, dir, session, selection.activeProvider(), registry);
            try {
                checker.check(card, model.inputInfo(), model.outputInfo());
                if (props.warmUp()) {
                    warmUp.run(model);
                }
            } catch (RuntimeException | OrtException e) {
                model.close();
                throw e;
            }
            log.info("Loaded model {} ({}, trained={}) on {} in {} ms", card.id(), card.description(), card.trained(),
                selection.activeProvider(), (System.nanoTime() - start) / 1_000_000);
            return model;
        } catch (OrtException e) {
            throw new ModelContractException("ONNX Runtime cannot load " + card.id() + " from " + graph + ": " + e.getMessage(), e);
        }
    }

    /** Replaces loaded models whose served version changed; the old session closes after a delay. */
    void reloadNewerVersions() {
        for (Map.Entry<String, OnnxModel> entry : loaded.entrySet()) {
            String name = entry.getKey();
            try {
                int wanted = servedVersion(name);
                OnnxModel current = entry.getValue();
                if (wanted != current.version()) {
                    OnnxModel next = load(name, wanted);
                    loaded.put(name, next);
                    log.info("Model {} now serves version {} (was {})", name, wanted, current.version());
                    scheduler.schedule(current::close, props.retireDelay().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (RuntimeException e) {
                log.warn("Model {}: new version not served: {}", name, e.getMessage());
            }
        }
    }

    public Optional<OnnxModel> loadedModel(String name) {
        return Optional.ofNullable(loaded.get(name));
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        loaded.values().forEach(OnnxModel::close);
        loaded.clear();
    }
}
