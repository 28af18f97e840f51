package io.neuropipe.decoder.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.decoder.ZooDecoder;
import io.neuropipe.decoder.config.DecoderProperties;
import io.neuropipe.decoder.config.MultimodalProperties;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.decoder.kv.PrefixCacheProperties;
import io.neuropipe.decoder.prefix.ProbeModel;
import io.neuropipe.decoder.sched.BatchingProperties;
import io.neuropipe.decoder.sched.ContinuousBatchingEngine;
import io.neuropipe.decoder.spec.SpeculationParams;
import io.neuropipe.decoder.spec.SpeculationProperties;
import io.neuropipe.decoder.spec.SpeculativeGenerator;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepException;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The decode step as a plain function on the batching engine: streamed partials, prefix cache option, deadline. */
class DecodeStepTest {

    private static ZooDecoder zoo;
    private static ContinuousBatchingEngine batching;
    private static DecodeStep step;

    @BeforeAll
    static void open() {
        zoo = new ZooDecoder(1);
        PrefixCacheProperties cacheProps = PrefixCacheProperties.defaults();
        batching = new ContinuousBatchingEngine(zoo.engine(), BatchingProperties.defaults(), new PrefixCache(zoo.models(), cacheProps));
        SpeculationProperties spec = SpeculationProperties.defaults();
        SpeculativeGenerator speculative = new SpeculativeGenerator(zoo.engine(), zoo.models(), spec, List.of(),
            new SimpleMeterRegistry());
        step = new DecodeStep(zoo.engine(), new Generator(zoo.engine()), batching, new DecoderProperties("lm", "lm-embed",
            "vision-projector", "brain-projector", 32, 256, 256), cacheProps, speculative, new SpeculationParams(spec, speculative),
            new MultimodalOptionsParser(zoo.engine(), new ProbeModel(zoo.models(), MultimodalProperties.defaults()),
                MultimodalProperties.defaults()));
    }

    @AfterAll
    static void close() {
        batching.close();
        zoo.close();
    }

    private static StepOutput decode(Map<String, String> params, long deadline, List<String> partials) {
        RouteNode node = RouteNode.newBuilder().setId("decode").setStep("decode").putAllParams(params).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("decode")
            .setDeadlineEpochMs(deadline).build();
        return step.handle(new StepInput(envelope, node, (artifact, index, text) -> partials.add(text), new StageTimings()));
    }

    @Test
    void streamsThePartialsOfTheFinalTextAndReusesAPromptWhenAsked() {
        List<String> partials = new CopyOnWriteArrayList<>();
        StepOutput out = decode(Map.of("prompt", "question: how many shapes are there? answer:", "max_tokens", "6",
            "prefix_cache", "true"), 0, partials);
        String text = out.artifacts().get(0).getText();
        assertThat(text).isNotEmpty();
        assertThat(String.join("", partials)).isEqualTo(text);
        assertThat(out.provenance()).containsEntry("decode.prefix_cache_tokens", "0");
        StepOutput again = decode(Map.of("prompt", "question: how many shapes are there? answer:", "max_tokens", "6",
            "prefix_cache", "true"), 0, new CopyOnWriteArrayList<>());
        assertThat(Integer.parseInt(again.provenance().get("decode.prefix_cache_tokens"))).isPositive();
    }

    @Test
    void aRequestThatCouldRunPastTheModelsPositionsIsInvalidInputNamingTheNumbers() {
        StringBuilder longest = new StringBuilder("caption:");
        while (zoo.promptIds(longest.toString()).length < 257) {
            longest.append(" a");
        }
        String prompt = longest.toString();
        assertThat(zoo.promptIds(prompt)).as("the longest prompt accepted, with <s>").hasSize(257);
        assertThatThrownBy(() -> decode(Map.of("prompt", prompt, "max_tokens", "256"), 0, new CopyOnWriteArrayList<>()))
            .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
            .hasMessageContaining("needs 513 positions (prefix 0 + prompt 257 tokens with <s> + max_tokens 256)")
            .hasMessageContaining("model lm/1 has 512 (max_position_embeddings); set max_tokens to at most 255");

        Prefix vision = new Prefix(new float[0], new long[0], 0, 256);
        PositionLimit.check(zoo.engine().card(), vision, 6, 250);
        assertThatThrownBy(() -> PositionLimit.check(zoo.engine().card(), vision, 6, 251))
            .hasMessageContaining("prefix 256 + prompt 6 tokens with <s> + max_tokens 251");
        assertThatThrownBy(() -> PositionLimit.check(zoo.engine().card(), vision, 300, 1)).hasMessageContaining("shorten the prompt");
    }

    @Test
    void aSessionsSecondTurnContinuesTheConversationFromItsKeptCache() {
        StepOutput first = decode(Map.of("prompt", "question: what colour is the circle? answer:", "max_tokens", "6",
            "session_id", "chat-1"), 0, new CopyOnWriteArrayList<>());
        assertThat(first.provenance()).containsEntry("decode.session", "chat-1").containsEntry("decode.session_turn", "1")
            .containsEntry("decode.prefix_cache_tokens", "0");
        StepOutput second = decode(Map.of("prompt", "question: where is the star? answer:", "max_tokens", "6",
            "session_id", "chat-1", "session_turn", "1"), 0, new CopyOnWriteArrayList<>());
        assertThat(second.provenance()).containsEntry("decode.session_turn", "2");
        assertThat(Integer.parseInt(second.provenance().get("decode.prefix_cache_tokens")))
            .as("the first turn's prompt and answer come from the session").isGreaterThan(zoo.promptIds(
                "question: what colour is the circle? answer:").length);
        assertThatThrownBy(() -> decode(Map.of("prompt", "caption:", "session_id", "no spaces"), 0, new CopyOnWriteArrayList<>()))
            .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
            .hasMessageContaining("session_id");
    }

    @Test
    void aContinuationOfASessionThisDecoderDoesNotHoldAtThatTurnFailsInsteadOfStartingOver() {
        assertThatThrownBy(() -> decode(Map.of("prompt", "caption:", "max_tokens", "4", "session_id", "never-seen",
            "session_turn", "1"), 0, new CopyOnWriteArrayList<>()))
            .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
            .hasMessageContaining("Session 'never-seen' at turn 1 is not held by this decoder (it holds no such session")
            .hasMessageContaining("resend the whole conversation without session_id");

        decode(Map.of("prompt", "caption:", "max_tokens", "4", "session_id", "chat-2"), 0, new CopyOnWriteArrayList<>());
        assertThatThrownBy(() -> decode(Map.of("prompt", "caption:", "max_tokens", "4", "session_id", "chat-2",
            "session_turn", "2"), 0, new CopyOnWriteArrayList<>()))
            .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
            .hasMessageContaining("it holds that session at turn 1");
        assertThatThrownBy(() -> decode(Map.of("prompt", "caption:", "session_turn", "1"), 0, new CopyOnWriteArrayList<>()))
            .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
            .hasMessageContaining("session_turn=1 needs the session_id");
        assertThatThrownBy(() -> decode(Map.of("prompt", "caption:", "session_id", "chat-2", "session_turn", "-1"), 0,
            new CopyOnWriteArrayList<>()))
            .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
            .hasMessageContaining("session_turn=-1");
    }

    @Test
    void aDeadlinePassingDuringGenerationFailsTheStep() {
        assertThatThrownBy(() -> decode(Map.of("max_tokens", "8"), System.currentTimeMillis() - 1, new CopyOnWriteArrayList<>()))
            .isInstanceOfSatisfying(StepException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
    }
}
