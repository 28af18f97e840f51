package io.neuropipe.encoder.step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.neuropipe.encoder.domain.EegTrial;
import io.neuropipe.encoder.domain.FmriPreprocessing;
import io.neuropipe.encoder.domain.SubjectIndex;
import io.neuropipe.encoder.domain.VoxelNormalization;
import io.neuropipe.encoder.engine.EegEncoderEngine;
import io.neuropipe.encoder.engine.EegEncoders;
import io.neuropipe.encoder.engine.EncoderVariant;
import io.neuropipe.encoder.engine.FmriEncoderEngine;
import io.neuropipe.encoder.input.EegTrials;
import io.neuropipe.encoder.input.FmriInputReader;
import io.neuropipe.encoder.input.Payload;
import io.neuropipe.encoder.subject.Subject;
import io.neuropipe.encoder.subject.SubjectRegistry;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.model.OnnxModel;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/**
 * Step {@code encode}: EEG (artifact {@code eeg}: a trial, trials, or an EDF recording cut into
 * epochs) or fMRI (artifact {@code fmri}: voxel vector(s), a NIfTI volume + artifact {@code mask},
 * or an HDF5 dataset) -> artifact {@code embedding}: [E] for one trial or vector, [n, E] for several
 * (plus artifact {@code onsets} [n] seconds for a recording). Params: {@code modality}
 * (eeg|fmri, default from the artifact present), {@code model} (deep|ridge), {@code subject}.
 */
@Component
public class EncodeStep implements StepHandler {

    private final EegEncoders eeg;
    private final FmriEncoderEngine fmri;
    private final SubjectRegistry subjects;
    private final FmriInputReader fmriReader = new FmriInputReader();

    public EncodeStep(EegEncoders eeg, FmriEncoderEngine fmri, SubjectRegistry subjects) {
        this.eeg = eeg;
        this.fmri = fmri;
        this.subjects = subjects;
    }

    @Override
    public String step() {
        return "encode";
    }

    @Override
    public StepOutput handle(StepInput input) {
        EncoderVariant variant = EncoderVariant.parse(input.params().string("model", "deep"));
        Subject.Modality modality = input.params().get("modality").map(Subject.Modality::parse)
            .orElse(input.artifact("fmri").isPresent() ? Subject.Modality.FMRI : Subject.Modality.EEG);
        return modality == Subject.Modality.EEG ? encodeEeg(input, variant) : encodeFmri(input, variant);
    }

    private StepOutput encodeEeg(StepInput input, EncoderVariant variant) {
        EegEncoderEngine engine = eeg.engine(variant);
        ModelCard card = engine.card();
        String subject = input.params().string("subject", "");
        long index = variant == EncoderVariant.DEEP ? new SubjectIndex(card).indexOf(subject) : 0;
        EegTrials trials = input.timings().preprocess(() -> eeg.reader(variant).read(Payload.of(input, "eeg"),
            input.params()));
        List<EegTrial> batch = new ArrayList<>(trials.trials().size());
        for (float[] t : trials.trials()) {
            batch.add(new EegTrial(t, index));
        }
        List<float[]> embeddings = input.timings().inference(() -> engine.encodeAll(batch));
        List<Artifact> out = new ArrayList<>();
        out.add(embedding(embeddings.toArray(float[][]::new), trials.batched(), card));
        if (trials.onsets().length > 0) {
            float[] onsets = new float[trials.onsets().length];
            for (int i = 0; i < onsets.length; i++) {
                onsets[i] = (float) trials.onsets()[i];
            }
            out.add(Artifact.newBuilder().setName("onsets").setTensor(Tensors.ofFloats(onsets, onsets.length))
                .putMetadata("unit", "s").putMetadata("labels", String.join(",", trials.labels())).build());
        }
        Map<String, String> provenance = provenance(card, "eeg", variant, trials.trials().size());
        provenance.put("encode.subject", variant == EncoderVariant.RIDGE ? "independent" : subject.isBlank() ? "agnostic" : subject);
        return new StepOutput(out, provenance);
    }

    private StepOutput encodeFmri(StepInput input, EncoderVariant variant) {
        String id = input.params().get("subject").filter(s -> !s.isBlank()).orElseThrow(() -> new InvalidInputException(
            "fMRI encoding needs param 'subject' (each subject has its own voxel layout and adapter); see GET /v1/subjects"));
        Subject subject = subjects.require(id, Subject.Modality.FMRI);
        Payload voxels = Payload.of(input, "fmri");
        Optional<Payload> mask = input.artifact("mask").map(a -> Payload.of(input, "mask"));
        OnnxModel model = variant == EncoderVariant.DEEP ? subjects.adapter(subject) : fmri.ridgeModel(subject.id());
        int pooledLength = FmriEncoderEngine.pooledLength(model);
        FmriPreprocessing prep = new FmriPreprocessing(subject.voxelCount(), VoxelNormalization.none(), pooledLength);
        float[][] pooled = input.timings().preprocess(() -> {
            float[][] vectors = fmriReader.read(voxels, mask, input.params());
            float[][] p = new float[vectors.length][];
            for (int i = 0; i < vectors.length; i++) {
                p[i] = prep.apply(vectors[i]);
            }
            return p;
        });
        float[][] embeddings = input.timings().inference(() -> variant == EncoderVariant.DEEP ? fmri.deep(model, pooled)
            : fmri.ridge(model, pooled));
        Map<String, String> provenance = provenance(model.card(), "fmri", variant, pooled.length);
        provenance.put("encode.subject", subject.id());
        return new StepOutput(List.of(embedding(embeddings, pooled.length > 1, model.card())), provenance);
    }

    private static Artifact embedding(float[][] e, boolean batched, ModelCard card) {
        int dim = e[0].length;
        float[] flat = new float[e.length * dim];
        for (int i = 0; i < e.length; i++) {
            System.arraycopy(e[i], 0, flat, i * dim, dim);
        }
        return Artifact.newBuilder().setName("embedding")
            .setTensor(batched ? Tensors.ofFloats(flat, e.length, dim) : Tensors.ofFloats(flat, dim))
            .putMetadata("space", "neuroshapes-E" + dim).putMetadata("model", card.id()).build();
    }

    private static Map<String, String> provenance(ModelCard card, String modality, EncoderVariant variant, int trials) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("encode.model", card.id());
        p.put("encode.sha256", card.sha256());
        p.put("encode.trained", Boolean.toString(card.trained()));
        p.put("encode.modality", modality);
        p.put("encode.variant", variant.key());
        p.put("encode.trials", Integer.toString(trials));
        return p;
    }

}
