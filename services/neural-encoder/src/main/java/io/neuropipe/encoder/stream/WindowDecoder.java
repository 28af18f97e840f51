package io.neuropipe.encoder.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.neuropipe.encoder.config.StreamProperties;
import io.neuropipe.encoder.domain.EegPreprocessing;
import io.neuropipe.encoder.domain.EegSignal;
import io.neuropipe.encoder.domain.EegTrial;
import io.neuropipe.encoder.domain.SubjectIndex;
import io.neuropipe.encoder.engine.EegEncoderEngine;
import io.neuropipe.encoder.engine.EegEncoders;
import io.neuropipe.encoder.engine.EncoderVariant;
import io.neuropipe.encoder.gallery.GalleryService;
import io.neuropipe.encoder.gallery.RetrievalHit;
import io.neuropipe.proto.v1.EegWindowDecoded;
import io.neuropipe.proto.v1.RetrievalMatch;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.StepException;
import io.neuropipe.runtime.step.TransientStepException;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Decodes a poll's stream windows: pre-processing from the EEG encoder's card (channels matched by
 * name to its montage, resampled to its rate), one encoder call for all of them, then one top-k
 * retrieval pass per gallery.
 */
@Component
public class WindowDecoder {

    private final EegEncoderEngine engine;
    private final GalleryService galleries;
    private final StreamProperties props;
    private final EegPreprocessing preprocessing;
    private final List<String> montage;
    private final double modelSeconds;

    public WindowDecoder(EegEncoders encoders, GalleryService galleries, StreamProperties props) {
        this.engine = encoders.engine(EncoderVariant.DEEP);
        this.galleries = galleries;
        this.props = props;
        ModelCard card = engine.card();
        this.montage = montage(card);
        double rate = card.preprocessingNumber("sampling_rate", 250);
        this.modelSeconds = card.preprocessingNumber("samples", 250) / rate;
        double windowSeconds = props.window().toNanos() * 1e-9;
        if (Math.abs(windowSeconds - modelSeconds) > 1e-9) {
            throw new IllegalArgumentException("neuropipe.encoder.stream.window=" + props.window() + " must equal the epoch of "
                + card.id() + " (" + modelSeconds + " s)");
        }
        this.preprocessing = EegPreprocessing.forModel(EegPreprocessing.Spec.of(montage, rate, modelSeconds));
    }

    /** The channel names the encoder needs (a stream must carry at least these). */
    public List<String> montage() {
        return montage;
    }

    /**
     * What became of one window: its decoded record ({@code latency_us} left for the sender to
     * fill in), or why it cannot be decoded (a permanent error such as an unknown subject or gallery).
     */
    public record Decoded(EegWindow window, EegWindowDecoded result, String failure) {
    }

    /**
     * Decodes {@code windows} together on the calling thread: pre-processing of each, one encoder
     * call for all of them (split only at the encoder's max batch size), and one retrieval pass per
     * gallery for all of its windows. Results in window order. Permanent errors fail only the
     * windows they concern; a transient one (or any other exception) is thrown.
     */
    public List<Decoded> decodeAll(List<EegWindow> windows) {
        int n = windows.size();
        ModelCard card = engine.card();
        SubjectIndex subjects = new SubjectIndex(card);
        String[] failures = new String[n];
        float[][] embeddings = new float[n][];
        List<EegTrial> trials = new ArrayList<>(n);
        List<Integer> encoded = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            EegWindow w = windows.get(i);
            try {
                EegSignal signal = preprocessing.process(new EegSignal(w.channels(), w.sampleRate(), 0.0, w.windowSamples(), w.samples()));
                trials.add(new EegTrial(signal.data(), subjects.indexOf(w.subject() == null ? "" : w.subject())));
                encoded.add(i);
            } catch (StepException e) {
                failures[i] = permanent(e);
            }
        }
        if (!trials.isEmpty()) {
            try {
                List<float[]> out = engine.encodeInline(trials);
                for (int t = 0; t < out.size(); t++) {
                    embeddings[encoded.get(t)] = out.get(t);
                }
            } catch (StepException e) {
                String reason = permanent(e);
                encoded.forEach(i -> failures[i] = reason);
            }
        }
        GalleryService.BatchSearchResult[] searches = new GalleryService.BatchSearchResult[n];
        int[] rowInSearch = new int[n];
        for (Map.Entry<String, List<Integer>> group : byGallery(windows, embeddings).entrySet()) {
            search(group.getKey(), group.getValue(), embeddings, searches, rowInSearch, failures);
        }
        List<Decoded> decoded = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            EegWindow w = windows.get(i);
            decoded.add(failures[i] != null ? new Decoded(w, null, failures[i])
                : new Decoded(w, record(w, card, embeddings[i], searches[i].gallery(), searches[i].hits().get(rowInSearch[i])), null));
        }
        return decoded;
    }

    /** Indexes of the encoded windows by gallery name (blank = the default gallery), in window order. */
    private static Map<String, List<Integer>> byGallery(List<EegWindow> windows, float[][] embeddings) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < windows.size(); i++) {
            if (embeddings[i] != null) {
                String gallery = windows.get(i).gallery();
                groups.computeIfAbsent(gallery == null ? "" : gallery, g -> new ArrayList<>()).add(i);
            }
        }
        return groups;
    }

    /** One retrieval pass over {@code gallery} for the windows {@code rows}. */
    private void search(String gallery, List<Integer> rows, float[][] embeddings, GalleryService.BatchSearchResult[] searches,
                        int[] rowInSearch, String[] failures) {
        int dim = embeddings[rows.get(0)].length;
        float[] queries = new float[rows.size() * dim];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(embeddings[rows.get(r)], 0, queries, r * dim, dim);
        }
        try {
            GalleryService.BatchSearchResult result = galleries.searchAll(gallery, queries, rows.size(), props.k());
            for (int r = 0; r < rows.size(); r++) {
                searches[rows.get(r)] = result;
                rowInSearch[rows.get(r)] = r;
            }
        } catch (StepException e) {
            String reason = permanent(e);
            rows.forEach(i -> failures[i] = reason);
        }
    }

    /** The message of a permanent error; a transient one is rethrown (the poll is retried from the committed state). */
    private static String permanent(StepException e) {
        if (e instanceof TransientStepException) {
            throw e;
        }
        return e.getMessage();
    }

    private static EegWindowDecoded record(EegWindow w, ModelCard card, float[] embedding, String gallery, List<RetrievalHit> hits) {
        EegWindowDecoded.Builder out = EegWindowDecoded.newBuilder().setSessionId(w.sessionId()).setWindowIndex(w.windowIndex())
            .setStartSample(w.startSample()).setWindowSamples(w.windowSamples())
            .setEmbedding(Tensors.ofFloats(embedding, embedding.length)).setGallery(gallery)
            .setFirstSequence(w.firstSequence()).setLastSequence(w.lastSequence()).setModel(card.id());
        for (RetrievalHit h : hits) {
            out.addMatches(RetrievalMatch.newBuilder().setRank(h.rank()).setEntryId(h.entryId()).setLabel(h.label()).setScore(h.score()));
        }
        if (w.gapBefore() != null) {
            out.setGapBefore(w.gapBefore());
        }
        return out.build();
    }

    private static List<String> montage(ModelCard card) {
        Object channels = card.preprocessing().get("channels");
        if (!(channels instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalStateException(card.id() + " has no preprocessing.channels montage in its card");
        }
        return list.stream().map(Object::toString).toList();
    }
}
