package io.neuropipe.decoder.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.decoder.config.DecoderProperties;
import io.neuropipe.decoder.config.MultimodalProperties;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.decoder.kv.PrefixCacheProperties;
import io.neuropipe.decoder.sched.BatchingProperties;
import io.neuropipe.decoder.sched.ContinuousBatchingEngine;
import io.neuropipe.decoder.prefix.ProbeModel;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.spec.HydraProposer;
import io.neuropipe.decoder.spec.LookupProposer;
import io.neuropipe.decoder.spec.MedusaProposer;
import io.neuropipe.decoder.spec.SpeculationParams;
import io.neuropipe.decoder.spec.SpeculationProperties;
import io.neuropipe.decoder.spec.SpeculativeGenerator;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.cancel.CancellationToken;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.JobCancelledException;
import io.neuropipe.runtime.step.PartialOutputSink;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The decode step's {@code speculation} parameter over the zoo's real decoder and draft heads. */
class DecodeStepSpeculationTest {

    private static ModelRepository models;
    private static LanguageModelEngine engine;
    private static DecodeStep step;
    private static ContinuousBatchingEngine batching;

    @BeforeAll
    static void load() {
        models = new ModelRepository(new ModelRepositoryProperties(
            java.nio.file.Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models/repository"), Map.of(), Duration.ZERO,
            Duration.ZERO, true), new ExecutionProviders(OnnxRuntimeProperties.defaults()), new SimpleMeterRegistry());
        DecoderProperties props = new DecoderProperties("lm", "lm-embed", "vision-projector", "brain-projector", 32, 256, 256);
        engine = new LanguageModelEngine(models, props);
        SpeculationProperties spec = SpeculationProperties.defaults();
        SpeculativeGenerator speculative = new SpeculativeGenerator(engine, models, spec, List.of(new MedusaProposer(models, spec),
            new HydraProposer(models, engine, spec), new LookupProposer()), new SimpleMeterRegistry());
        batching = new ContinuousBatchingEngine(engine, BatchingProperties.defaults(),
            new PrefixCache(models, PrefixCacheProperties.defaults()));
        step = new DecodeStep(engine, new Generator(engine), batching, props, PrefixCacheProperties.defaults(), speculative, new SpeculationParams(spec, speculative),
            new MultimodalOptionsParser(engine, new ProbeModel(models, MultimodalProperties.defaults()), MultimodalProperties.defaults()));
    }

    @AfterAll
    static void close() {
        batching.close();
        engine.close();
        models.close();
    }

    private static StepOutput decode(Map<String, String> params) {
        RouteNode node = RouteNode.newBuilder().setId("decode").setStep("decode").putAllParams(params).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("decode").build();
        return step.handle(new StepInput(envelope, node, PartialOutputSink.NONE, new StageTimings()));
    }

    private static String text(StepOutput out) {
        return out.artifacts().get(0).getText();
    }

    @Test
    void everyProposerGivesThePlainTextAndRecordsItsAcceptedLength() {
        StepOutput plain = decode(Map.of("question", "what colour is the circle?"));
        assertThat(plain.provenance()).containsEntry("decode.speculation", "none");
        assertThat(text(plain)).isNotBlank();
        for (String proposer : List.of("medusa", "hydra", "lookup")) {
            StepOutput out = decode(Map.of("question", "what colour is the circle?", "speculation", proposer));
            assertThat(text(out)).as(proposer).isEqualTo(text(plain));
            assertThat(out.provenance()).containsEntry("decode.speculation", proposer)
                .containsEntry("decode.speculation.acceptance", "greedy")
                .containsKey("decode.speculation.mean_accepted_length");
            assertThat(Double.parseDouble(out.provenance().get("decode.speculation.mean_accepted_length"))).isGreaterThanOrEqualTo(1.0);
        }
    }

    @Test
    void aCancelledJobStopsBeforeTheNextVerificationPass() {
        for (String proposer : List.of("medusa", "hydra", "lookup")) {
            RouteNode node = RouteNode.newBuilder().setId("decode").setStep("decode")
                .putAllParams(Map.of("speculation", proposer, "max_tokens", "32")).build();
            StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("decode").build();
            AtomicInteger polls = new AtomicInteger();
            CancellationToken cancelledAfterTheFirstPass = () -> polls.incrementAndGet() > 1;
            assertThatThrownBy(() -> step.handle(new StepInput(envelope, node, PartialOutputSink.NONE, new StageTimings(), null,
                cancelledAfterTheFirstPass))).as(proposer).isInstanceOf(JobCancelledException.class);
            assertThat(polls.get()).as(proposer).isEqualTo(2);
        }
    }

    @Test
    void aCustomTreeIsUsed() {
        StepOutput plain = decode(Map.of());
        StepOutput chain = decode(Map.of("speculation", "medusa", "spec_tree", "0;0,0;0,0,0"));
        assertThat(text(chain)).isEqualTo(text(plain));
        StepOutput paths = decode(Map.of("speculation", "hydra", "spec_verify", "paths", "spec_min_prob", "0"));
        assertThat(text(paths)).isEqualTo(text(plain));
    }

    @Test
    void samplingUsesTypicalAcceptanceAndIsReproduciblePerSeed() {
        Map<String, String> params = Map.of("speculation", "hydra", "temperature", "0.8", "seed", "7", "max_tokens", "12");
        StepOutput first = decode(params);
        assertThat(first.provenance()).containsEntry("decode.speculation.acceptance", "typical");
        assertThat(text(decode(params))).isEqualTo(text(first));
        assertThat(text(first)).isNotBlank();
    }

    @Test
    void badSpeculationParametersAreClearErrors() {
        assertThatThrownBy(() -> decode(Map.of("speculation", "eagle")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("Unknown proposer 'eagle'").hasMessageContaining("hydra, lookup, medusa");
        assertThatThrownBy(() -> decode(Map.of("speculation", "medusa", "spec_tree", "0;0,0;0,0,0;0,0,0,0")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("4 deep").hasMessageContaining("3 heads");
        assertThatThrownBy(() -> decode(Map.of("speculation", "hydra", "spec_tree", "0;1,1")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("lacks its parent path [1]");
        assertThatThrownBy(() -> decode(Map.of("speculation", "medusa", "spec_verify", "beam")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("spec_verify must be tree or paths");
        assertThatThrownBy(() -> decode(Map.of("speculation", "lookup", "spec_draft", "0")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("spec_draft");
        assertThatThrownBy(() -> decode(Map.of("speculation", "medusa", "temperature", "0.5", "spec_epsilon", "2")))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("spec_epsilon");
    }
}
