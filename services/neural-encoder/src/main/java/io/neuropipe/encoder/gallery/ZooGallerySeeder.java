package io.neuropipe.encoder.gallery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.neuropipe.encoder.config.GalleryProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the default gallery from the zoo's sample stimuli ({@code index.json}: file + caption)
 * at start-up when it does not exist yet, so retrieval works on a fresh installation. It is a shared
 * gallery: every tenant searches it, none changes it.
 */
@Component
public class ZooGallerySeeder implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ZooGallerySeeder.class);

    private final GalleryService galleries;
    private final GalleryStore store;
    private final GalleryProperties props;

    public ZooGallerySeeder(GalleryService galleries, GalleryStore store, GalleryProperties props) {
        this.galleries = galleries;
        this.store = store;
        this.props = props;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (props.seedZoo()) {
            seed();
        }
    }

    /** Seeds the default gallery unless it exists; returns whether it did. */
    public boolean seed() {
        String name = props.defaultGallery();
        if (store.list(GalleryStore.SHARED).stream().anyMatch(g -> g.name().equals(name))) {
            return false;
        }
        Path index = props.zooSamples().resolve("index.json");
        if (!Files.isRegularFile(index)) {
            log.warn("Not seeding gallery '{}': {} does not exist", name, index.toAbsolutePath());
            return false;
        }
        List<LabeledImage> images = readStimuli(props.zooSamples(), index);
        try {
            galleries.create(GalleryStore.SHARED, name, "NeuroShapes sample stimuli of the model zoo (" + images.size() + " images)", 0);
        } catch (GalleryExistsException e) {
            return false; // another replica seeded it first
        }
        galleries.addImages(GalleryStore.SHARED, name, images);
        log.info("Seeded gallery '{}' with {} zoo images from {}", name, images.size(), props.zooSamples().toAbsolutePath());
        return true;
    }

    static List<LabeledImage> readStimuli(Path dir, Path index) {
        try {
            JsonNode root = JsonMapper.builder().build().readTree(Files.readString(index));
            List<LabeledImage> images = new ArrayList<>();
            for (JsonNode s : root.path("stimuli")) {
                images.add(new LabeledImage(s.path("caption").asString(), Files.readAllBytes(dir.resolve(s.path("file").asString()))));
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the zoo's sample stimuli in " + dir, e);
        }
    }
}
