package io.neuropipe.decoder.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
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
import io.neuropipe.decoder.spec.LookupProposer;
import io.neuropipe.decoder.spec.SpeculationParams;
import io.neuropipe.decoder.spec.SpeculationProperties;
import io.neuropipe.decoder.spec.SpeculativeGenerator;
import io.neuropipe.decoder.engine.KvCacheRunner;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.prefix.FastVSelection;
import io.neuropipe.decoder.prefix.PrefillInput;
import io.neuropipe.decoder.prefix.ProbeModel;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.runtime.config.ModelRepositoryProperties;
import io.neuropipe.runtime.config.OnnxRuntimeProperties;
import io.neuropipe.runtime.model.ExecutionProviders;
import io.neuropipe.runtime.model.InferenceScope;
import io.neuropipe.runtime.model.ModelRepository;
import io.neuropipe.runtime.cancel.CancellationToken;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.JobCancelledException;
import io.neuropipe.runtime.step.PartialOutputSink;
import io.neuropipe.runtime.step.StageTimings;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The decode step's multimodal options over the zoo's trained lm, lm-probe and vision-projector, with the vision
 * tokens of a real image (the image encoder's golden fixture: 256 patch tokens of 64 values, grid 16).
 */
class DecodeStepMultimodalTest {

    private static final Path REPOSITORY = Path.of(System.getProperty("neuropipe.root", "../..")).resolve("models/repository");
    private static ModelRepository models;
    private static LanguageModelEngine engine;
    private static ProbeModel probe;
    private static DecodeStep step;
    private static ContinuousBatchingEngine batching;
    private static float[] tokens;
    private static long[] positions;

    @BeforeAll
    static void load() throws Exception {
        models = new ModelRepository(new ModelRepositoryProperties(REPOSITORY, Map.of(), Duration.ZERO, Duration.ZERO, true),
            new ExecutionProviders(OnnxRuntimeProperties.defaults()), new SimpleMeterRegistry());
        DecoderProperties props = new DecoderProperties("lm", "lm-embed", "vision-projector", "brain-projector", 32, 256, 256);
        engine = new LanguageModelEngine(models, props);
        probe = new ProbeModel(models, MultimodalProperties.defaults());
        SpeculationProperties spec = SpeculationProperties.defaults();
        SpeculativeGenerator speculative = new SpeculativeGenerator(engine, models, spec, List.of(new LookupProposer()),
            new SimpleMeterRegistry());
        batching = new ContinuousBatchingEngine(engine, BatchingProperties.defaults(),
            new PrefixCache(models, PrefixCacheProperties.defaults()));
        step = new DecodeStep(engine, new Generator(engine), batching, props, PrefixCacheProperties.defaults(), speculative, new SpeculationParams(spec, speculative),
            new MultimodalOptionsParser(engine, probe, MultimodalProperties.defaults()));
        JsonNode fixture = JsonMapper.builder().build().readTree(Files.readString(REPOSITORY.resolve("image-encoder/1/fixture.json")));
        JsonNode data = fixture.path("outputs").path("patch_tokens").path("data");
        tokens = new float[data.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = data.get(i).floatValue();
        }
        positions = new long[256];
        Arrays.setAll(positions, i -> i);
    }

    @AfterAll
    static void close() {
        batching.close();
        engine.close();
        models.close();
    }

    private static StepOutput decode(float[] vision, long[] grid, Map<String, Artifact> extra, Map<String, String> params) {
        return decode(vision, grid, extra, params, CancellationToken.NONE);
    }

    private static StepOutput decode(float[] vision, long[] grid, Map<String, Artifact> extra, Map<String, String> params,
                                     CancellationToken cancellation) {
        int n = grid.length;
        Map<String, String> all = new HashMap<>(Map.of("prompt", "caption:", "max_tokens", "12"));
        all.putAll(params);
        RouteNode node = RouteNode.newBuilder().setId("decode").setStep("decode").putAllParams(all).build();
        StepEnvelope.Builder envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("decode")
            .putArtifacts("vision_tokens", Artifact.newBuilder().setName("vision_tokens").setTensor(Tensors.ofFloats(vision, n, 64))
                .putMetadata("grid", "16").build())
            .putArtifacts("vision_positions", Artifact.newBuilder().setName("vision_positions").setTensor(Tensors.ofLongs(grid, n)).build());
        extra.forEach(envelope::putArtifacts);
        return step.handle(new StepInput(envelope.build(), node, PartialOutputSink.NONE, new StageTimings(), null, cancellation));
    }

    private static StepOutput decode(Map<String, Artifact> extra, Map<String, String> params) {
        return decode(tokens, positions, extra, params);
    }

    private static Artifact longs(String name, long... values) {
        return Artifact.newBuilder().setName(name).setTensor(Tensors.ofLongs(values, values.length)).build();
    }

    private static String text(StepOutput out) {
        return out.artifacts().get(0).getText();
    }

    /** The prefill sequence the step builds for {@code caption:}: projected vision tokens, then {@code <s> caption:}. */
    private static PrefillInput captionSequence() {
        long[] prompt = engine.tokenizer().encode("caption:", false, false).getIds();
        int total = 256 + 1 + prompt.length;
        int hidden = engine.hidden();
        float[] embeds = Arrays.copyOf(engine.projectVision(tokens, 256, 64), total * hidden);
        long[] pos = Arrays.copyOf(positions, total);
        for (int t = 0; t <= prompt.length; t++) {
            engine.embed(t == 0 ? 1 : prompt[t - 1], embeds, (256 + t) * hidden);
            pos[256 + t] = 256 + t;
        }
        return new PrefillInput(embeds, pos, total, 256);
    }

    @Test
    void fastVGeneratesExactlyWhatThePlainDecoderGeneratesFromTheKeptTokens() {
        StepOutput fastv = decode(Map.of(), Map.of("fastv_ratio", "0.75"));
        assertThat(fastv.provenance()).containsEntry("decode.llm_pruning", "fastv").containsEntry("decode.prefix_tokens", "256")
            .containsEntry("decode.prefix_kept", "64").containsEntry("decode.fastv_layer", "2");
        long prefill = Long.parseLong(fastv.provenance().get("decode.prefill_us"));
        assertThat(prefill).isGreaterThanOrEqualTo(Long.parseLong(fastv.provenance().get("decode.probe_us")));

        // the same 64 tokens by the probe's last row, decoded without any option
        int[] kept = FastVSelection.keep(probe.attention(captionSequence()), captionSequence().length(), 256, 0.75);
        float[] subset = new float[kept.length * 64];
        long[] subsetPositions = new long[kept.length];
        for (int i = 0; i < kept.length; i++) {
            System.arraycopy(tokens, kept[i] * 64, subset, i * 64, 64);
            subsetPositions[i] = kept[i];
        }
        StepOutput plain = decode(subset, subsetPositions, Map.of(), Map.of());
        assertThat(plain.provenance()).containsEntry("decode.llm_pruning", "none").doesNotContainKey("decode.prefix_kept");
        assertThat(text(fastv)).isNotBlank().isEqualTo(text(plain));
    }

    @Test
    void fastVWithRatioZeroKeepsEveryToken() {
        StepOutput all = decode(Map.of(), Map.of("fastv_ratio", "0"));
        assertThat(all.provenance()).containsEntry("decode.prefix_kept", "256");
        assertThat(text(all)).isEqualTo(text(decode(Map.of(), Map.of())));
    }

    @Test
    void mustDropsTextStageRunsWhenThePrunerPassedAKeySetAndNeverDropsIt() {
        Map<String, Artifact> keys = Map.of("vision_keys", longs("vision_keys", 3, 40, 77, 200));
        StepOutput nothingDropped = decode(keys, Map.of("mustdrop_global", "0", "mustdrop_individual", "0"));
        assertThat(nothingDropped.provenance()).containsEntry("decode.llm_pruning", "mustdrop").containsEntry("decode.prefix_kept", "256");
        StepOutput onlyKeys = decode(keys, Map.of("mustdrop_global", "1", "mustdrop_individual", "1"));
        assertThat(onlyKeys.provenance()).containsEntry("decode.prefix_kept", "4");
        StepOutput defaults = decode(keys, Map.of());
        int kept = Integer.parseInt(defaults.provenance().get("decode.prefix_kept"));
        assertThat(kept).isBetween(4, 256);
        assertThat(decode(keys, Map.of("llm_pruning", "none")).provenance()).doesNotContainKey("decode.prefix_kept");
    }

    @Test
    void aCancelledDamroJobStopsBeforeTheNextToken() {
        AtomicInteger polls = new AtomicInteger();
        CancellationToken cancelledAfterTwoTokens = () -> polls.incrementAndGet() > 2;
        assertThatThrownBy(() -> decode(tokens, positions, Map.of("vision_outliers", longs("vision_outliers", 10, 20, 30, 100)),
            Map.of("damro_alpha", "2", "damro_beta", "0.1"), cancelledAfterTwoTokens)).isInstanceOf(JobCancelledException.class);
        assertThat(polls.get()).isEqualTo(3);
    }

    @Test
    void damroWithBetaOneCannotChangeGreedyOutput() {
        Map<String, Artifact> outliers = Map.of("vision_outliers", longs("vision_outliers", 10, 20, 30, 100));
        StepOutput damro = decode(outliers, Map.of("damro_alpha", "2", "damro_beta", "1"));
        assertThat(damro.provenance()).containsEntry("decode.damro", "on").containsEntry("decode.damro_outliers", "4");
        assertThat(text(damro)).isEqualTo(text(decode(Map.of(), Map.of())));
        assertThat(decode(outliers, Map.of("damro_alpha", "0")).provenance()).containsEntry("decode.damro", "off");
    }

    @Test
    void damrosFirstTokenIsTheArgmaxOfTheContrastedLogits() {
        long[] outlierPositions = {10, 20, 30, 100};
        double alpha = 1.5;
        PrefillInput full = captionSequence();
        float[] fullLogits;
        float[] outlierLogits;
        try (InferenceScope scope = engine.lm().scope()) {
            fullLogits = new KvCacheRunner(engine.lm(), scope).forward(full.embeds(), full.positions(), full.length(), engine.hidden());
            PrefillInput only = full.keepPrefixRows(new int[] {10, 20, 30, 100}, engine.hidden());
            outlierLogits = new KvCacheRunner(engine.lm(), scope).forward(only.embeds(), only.positions(), only.length(), engine.hidden());
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float v : fullLogits) {
            max = Math.max(max, v);
        }
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < fullLogits.length; v++) {
            double value = (1 + alpha) * fullLogits[v] - alpha * outlierLogits[v];
            if (fullLogits[v] >= max + Math.log(0.1) && value > bestValue) {
                best = v;
                bestValue = value;
            }
        }
        StepOutput damro = decode(Map.of("vision_outliers", longs("vision_outliers", outlierPositions)),
            Map.of("damro_alpha", "1.5", "damro_beta", "0.1", "max_tokens", "1"));
        assertThat(engine.tokenizer().encode(text(damro), false, false).getIds()[0]).isEqualTo(best);
    }

    @Test
    void badOptionsAreClearErrors() {
        Map<String, Artifact> none = Map.of();
        assertBad(none, Map.of("fastv_ratio", "1"), "must be below 1");
        assertBad(none, Map.of("fastv_ratio", "-0.1"), "fastv_ratio=-0.1 is outside");
        assertBad(none, Map.of("fastv_ratio", "NaN"), "fastv_ratio=NaN is outside");
        assertBad(none, Map.of("fastv_layer", "3"), "fastv_layer=3 is not available");
        assertBad(none, Map.of("llm_pruning", "sparsevlm"), "Unknown llm_pruning 'sparsevlm'");
        assertBad(none, Map.of("llm_pruning", "mustdrop", "mustdrop_global", "1.5"), "mustdrop_global=1.5 is outside");
        assertBad(none, Map.of("llm_pruning", "mustdrop", "mustdrop_individual", "-1"), "mustdrop_individual=-1 is outside");
        assertBad(Map.of("vision_keys", longs("vision_keys", 256)), Map.of(), "vision_keys index 256 is outside [0, 256)");
        Map<String, Artifact> outliers = Map.of("vision_outliers", longs("vision_outliers", 10));
        assertBad(outliers, Map.of("damro_alpha", "11"), "damro_alpha=11 is outside");
        assertBad(outliers, Map.of("damro_alpha", "-1"), "damro_alpha=-1 is outside");
        assertBad(outliers, Map.of("damro_beta", "0"), "damro_beta=0 is outside");
        assertBad(outliers, Map.of("damro_beta", "1.01"), "damro_beta=1.01 is outside");
        assertBad(none, Map.of("damro_alpha", "1"), "needs the vision_outliers artifact");
        assertBad(Map.of("vision_outliers", longs("vision_outliers", 300)), Map.of(), "position 300 is not among vision_positions");
        long[] few = {0, 1, 2};
        assertThatThrownBy(() -> decode(Arrays.copyOf(tokens, 3 * 64), few, Map.of("vision_outliers", longs("vision_outliers", 5)), Map.of()))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("position 5 is not among vision_positions");
    }

    @Test
    void pruningOptionsNeedAVisionPrefix() {
        RouteNode node = RouteNode.newBuilder().setId("decode").setStep("decode").putAllParams(Map.of("prompt", "caption:",
            "fastv_ratio", "0.5")).build();
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(node).setCurrentStepId("decode").build();
        assertThatThrownBy(() -> step.handle(new StepInput(envelope, node, PartialOutputSink.NONE, new StageTimings())))
            .isInstanceOf(InvalidInputException.class).hasMessageContaining("needs a vision prefix");
    }

    private static void assertBad(Map<String, Artifact> extra, Map<String, String> params, String message) {
        assertThatThrownBy(() -> decode(extra, params)).isInstanceOf(InvalidInputException.class).hasMessageContaining(message);
    }
}
