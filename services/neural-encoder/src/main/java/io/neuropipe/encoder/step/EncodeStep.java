package io.neuropipe.encoder.step;

import java.util.List;
import java.util.Map;

import io.neuropipe.encoder.domain.EegTrial;
import io.neuropipe.encoder.domain.EegTrialReader;
import io.neuropipe.encoder.domain.SubjectIndex;
import io.neuropipe.encoder.engine.EegEncoderEngine;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.runtime.model.ModelCard;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.stereotype.Component;

/** Step {@code encode}: artifact {@code eeg} [channels, samples] (+ param {@code subject}) -> artifact {@code embedding}. */
@Component
public class EncodeStep implements StepHandler {

    private final EegEncoderEngine engine;

    public EncodeStep(EegEncoderEngine engine) {
        this.engine = engine;
    }

    @Override
    public String step() {
        return "encode";
    }

    @Override
    public StepOutput handle(StepInput input) {
        ModelCard card = engine.card();
        EegTrial trial = input.timings().preprocess(() -> new EegTrial(
            new EegTrialReader(card.input("eeg").orElseThrow()).read(input.requireTensor("eeg")),
            new SubjectIndex(card).indexOf(input.params().string("subject", ""))));
        float[] embedding = input.timings().inference(() -> engine.encode(trial));
        Artifact artifact = Artifact.newBuilder().setName("embedding")
            .setTensor(Tensors.ofFloats(embedding, embedding.length))
            .putMetadata("model", card.id()).putMetadata("space", "neuroshapes-E" + embedding.length).build();
        return new StepOutput(List.of(artifact), Map.of(
            "encode.model", card.id(), "encode.sha256", card.sha256(), "encode.trained", Boolean.toString(card.trained()),
            "encode.subject", input.params().string("subject", "agnostic")));
    }
}
