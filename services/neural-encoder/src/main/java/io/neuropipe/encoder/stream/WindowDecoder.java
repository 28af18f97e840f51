package io.neuropipe.encoder.stream;

import java.util.List;

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
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Decodes one stream window: pre-processing from the EEG encoder's card (channels matched by
 * name to its montage, resampled to its rate), the encoder (batched with concurrent windows and
 * trials), then top-k retrieval in the window's gallery.
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

    /** The decoded window; {@code latency_us} is left for the sender to fill in. */
    public EegWindowDecoded decode(EegWindow w) {
        EegSignal signal = preprocessing.process(new EegSignal(w.channels(), w.sampleRate(), 0.0, w.windowSamples(), w.samples()));
        ModelCard card = engine.card();
        long subject = new SubjectIndex(card).indexOf(w.subject() == null ? "" : w.subject());
        float[] embedding = engine.encode(new EegTrial(signal.data(), subject));
        GalleryService.SearchResult result = galleries.search(w.gallery(), embedding, props.k());
        EegWindowDecoded.Builder out = EegWindowDecoded.newBuilder().setSessionId(w.sessionId()).setWindowIndex(w.windowIndex())
            .setStartSample(w.startSample()).setWindowSamples(w.windowSamples())
            .setEmbedding(Tensors.ofFloats(embedding, embedding.length)).setGallery(result.gallery())
            .setFirstSequence(w.firstSequence()).setLastSequence(w.lastSequence()).setModel(card.id());
        for (RetrievalHit h : result.hits()) {
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
