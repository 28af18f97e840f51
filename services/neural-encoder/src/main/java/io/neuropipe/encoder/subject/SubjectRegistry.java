package io.neuropipe.encoder.subject;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.neuropipe.encoder.config.EncoderProperties;
import io.neuropipe.encoder.config.SubjectProperties;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.step.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Who recordings can come from. Seeds the model repository's subjects at start-up (the EEG
 * encoder's subject tokens, one {@code fmri-adapter-<id>} per fMRI subject) and registers new fMRI
 * subjects with an uploaded adapter graph, usable as soon as the call returns.
 */
@Service
public class SubjectRegistry {

    private static final Logger log = LoggerFactory.getLogger(SubjectRegistry.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    static final String ADAPTER_PREFIX = "fmri-adapter-";

    private final SubjectStore store;
    private final AdapterModels adapters;

    public SubjectRegistry(SubjectStore store, AdapterModels adapters, ModelRepository models, EncoderProperties encoder,
                           SubjectProperties props) {
        this.store = store;
        this.adapters = adapters;
        if (props.seedZoo()) {
            seed(models, encoder);
        }
    }

    private void seed(ModelRepository models, EncoderProperties encoder) {
        int added = 0;
        ModelCard eeg = models.card(encoder.eegModel());
        if (eeg.labels().get("subjects") instanceof List<?> names && eeg.preprocessing().get("channels") instanceof List<?> ch) {
            List<String> montage = ch.stream().map(String::valueOf).toList();
            for (Object name : names) {
                if (!"agnostic".equals(name)) {
                    added += store.insert(new Subject(String.valueOf(name), Subject.Modality.EEG, montage, 0, eeg.name(),
                        eeg.version(), eeg.sha256(), false, Instant.now()), null) ? 1 : 0;
                }
            }
        }
        for (String name : models.names()) {
            if (name.startsWith(ADAPTER_PREFIX)) {
                ModelCard card = models.card(name);
                int voxels = card.provenance().get("n_voxels") instanceof Number n ? n.intValue() : 0;
                if (voxels < 1) {
                    log.warn("Adapter {} has no provenance.n_voxels; its subject is not registered", card.id());
                    continue;
                }
                added += store.insert(new Subject(name.substring(ADAPTER_PREFIX.length()), Subject.Modality.FMRI, List.of(),
                    voxels, name, card.version(), card.sha256(), false, Instant.now()), null) ? 1 : 0;
            }
        }
        log.info("Subjects: {} registered from the model repository, {} in all", added, store.findAll().size());
    }

    public List<Subject> all() {
        return store.findAll();
    }

    public Optional<Subject> find(String id) {
        return store.find(id);
    }

    /** The subject, or a NOT_FOUND error (404 on the REST API, a failed job in a pipeline). */
    public Subject require(String id, Subject.Modality modality) {
        Subject s = store.find(id).orElseThrow(() -> new InvalidInputException(ErrorCode.NOT_FOUND, "Unknown subject '" + id
            + "'; registered " + modality.key() + " subjects: " + store.findAll().stream().filter(x -> x.modality() == modality)
            .map(Subject::id).toList()));
        if (s.modality() != modality) {
            throw new InvalidInputException("Subject '" + id + "' is a " + s.modality().key() + " subject, not " + modality.key());
        }
        return s;
    }

    /** The subject's adapter graph, loaded. */
    public OnnxModel adapter(Subject s) {
        return adapters.adapter(s, () -> store.adapterGraph(s.id()).orElseThrow(() -> new IllegalStateException(
            "Subject " + s.id() + " is marked uploaded but the registry holds no adapter graph")));
    }

    /**
     * Registers a new fMRI subject: the graph's SHA-256 must equal {@code sha256}, the graph must
     * fit the adapter contract (load-time check), the id must be new.
     */
    public Subject register(String id, int voxelCount, String sha256, byte[] graph) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidInputException("Subject id must match " + ID.pattern() + ", got '" + id + "'");
        }
        if (voxelCount < 1) {
            throw new InvalidInputException("voxel_count must be positive, got " + voxelCount);
        }
        String actual = sha256(graph);
        if (sha256 == null || !actual.equals(sha256.strip().toLowerCase(Locale.ROOT))) {
            throw new InvalidInputException("The adapter's SHA-256 is " + actual + " but the request says " + sha256);
        }
        if (store.find(id).isPresent()) {
            throw new SubjectExistsException(id);
        }
        Subject s = new Subject(id, Subject.Modality.FMRI, List.of(), voxelCount, ADAPTER_PREFIX + id, 1, actual, true, Instant.now());
        adapters.install(s, graph);
        if (!store.insert(s, graph)) {
            throw new SubjectExistsException(id);
        }
        log.info("Subject {} registered ({} voxels, adapter sha256 {})", id, voxelCount, actual);
        return store.find(id).orElseThrow();
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
