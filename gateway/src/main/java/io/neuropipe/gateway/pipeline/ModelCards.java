package io.neuropipe.gateway.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

import io.neuropipe.gateway.config.GatewayProperties;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelCardReader;
import org.springframework.stereotype.Component;

/**
 * The newest model card of each model in the repository, re-read when a new version appears or a
 * card changes, so input validation follows the models the services serve.
 */
@Component
public class ModelCards {

    private record Cached(FileTime modified, ModelCard card) {
    }

    private final Path repository;
    private final ConcurrentMap<Path, Cached> cache = new ConcurrentHashMap<>();

    public ModelCards(GatewayProperties properties) {
        this.repository = properties.modelRepository();
    }

    public Path repository() {
        return repository;
    }

    /** The card of the newest numeric version of {@code model}; empty when the repository has none. */
    public Optional<ModelCard> newest(String model) {
        return newestCardFile(model).map(this::read);
    }

    private Optional<Path> newestCardFile(String model) {
        Path dir = repository.resolve(model);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(dir)) {
            return versions
                .filter(p -> p.getFileName().toString().matches("\\d{1,9}"))
                .filter(p -> Files.isRegularFile(p.resolve("model.yaml")))
                .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                .map(p -> p.resolve("model.yaml"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private ModelCard read(Path file) {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            modified = FileTime.fromMillis(0);
        }
        Cached cached = cache.get(file);
        if (cached != null && cached.modified().equals(modified)) {
            return cached.card();
        }
        ModelCard card = ModelCardReader.read(file);
        cache.put(file, new Cached(modified, card));
        return card;
    }
}
