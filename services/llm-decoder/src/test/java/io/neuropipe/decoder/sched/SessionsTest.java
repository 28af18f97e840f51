package io.neuropipe.decoder.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.neuropipe.decoder.ZooDecoder;
import io.neuropipe.decoder.domain.Generation;
import io.neuropipe.decoder.domain.GenerationRequest;
import io.neuropipe.decoder.domain.GreedySampler;
import io.neuropipe.decoder.domain.Prefix;
import io.neuropipe.decoder.engine.Generator;
import io.neuropipe.decoder.kv.PrefixCache;
import io.neuropipe.decoder.kv.PrefixCacheProperties;
import io.neuropipe.decoder.kv.SessionCache;
import io.neuropipe.decoder.kv.SessionCacheProperties;
import io.neuropipe.decoder.kv.SessionNotHeldException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Conversation sessions on the zoo's decoder: a later turn prefills only its new rows and continues the same tokens. */
class SessionsTest {

    private static ZooDecoder zoo;

    @BeforeAll
    static void open() {
        zoo = new ZooDecoder(1);
    }

    @AfterAll
    static void close() {
        zoo.close();
    }

    private static GenerationRequest greedy(Prefix prefix, long[] ids, int maxTokens) {
        return new GenerationRequest(prefix, ids, maxTokens, List.of(), new GreedySampler(), 1.0);
    }

    /** The new prompt's tokens, without {@code <s>}. */
    private static long[] follow(long[] conversation, String prompt) {
        long[] next = zoo.promptIds(prompt);
        long[] out = Arrays.copyOf(conversation, conversation.length + next.length - 1);
        System.arraycopy(next, 1, out, conversation.length, next.length - 1);
        return out;
    }

    private static long[] conversation(long[] prompt, Generation g) {
        long[] out = Arrays.copyOf(prompt, prompt.length + g.tokens().size());
        for (int i = 0; i < g.tokens().size(); i++) {
            out[prompt.length + i] = g.tokens().get(i);
        }
        return out;
    }

    private static ContinuousBatchingEngine engine(PrefixCache quantizer, SessionCache sessions) {
        return new ContinuousBatchingEngine(zoo.engine(), new BatchingProperties(4, 16, Duration.ofSeconds(10)), quantizer,
            sessions);
    }

    @Test
    void aSecondTurnReusesTheFirstTurnsCacheAndGeneratesWhatTheWholeConversationWould() throws Exception {
        // 8-bit codes: close enough to fp32 that greedy text must not change; the 4/2-bit default's effect is in BENCHMARKS.md
        PrefixCache quantizer = new PrefixCache(zoo.models(), new PrefixCacheProperties(false, 64, 8, 8, 0.4, "lm-probe", 0.05,
            0.05));
        SessionCache sessions = new SessionCache(quantizer, SessionCacheProperties.defaults());
        Generator alone = new Generator(zoo.engine());
        try (ContinuousBatchingEngine engine = engine(quantizer, sessions)) {
            for (Prefix prefix : List.of(Prefix.none(), zoo.brainPrefix(3))) {
                String id = "s" + prefix.length();
                long[] first = zoo.promptIds("question: what colour is the circle? answer:");
                SequenceHandle one = engine.submit(greedy(prefix, first, 8), new SequenceOptions(false, id, 0), () -> false);
                Generation g1 = one.await(d -> { });
                assertThat(one.reusedTokens()).isZero();
                long[] second = follow(conversation(first, g1), "question: where is the star? answer:");
                assertThat(sessions.session(id).orElseThrow().tokens()).isEqualTo(conversation(first, g1));

                SequenceHandle two = engine.submit(greedy(prefix, second, 8), new SequenceOptions(false, id, 1), () -> false);
                Generation g2 = two.await(d -> { });
                Generation whole = alone.generate(greedy(prefix, second, 8), d -> { });
                assertThat(two.reusedTokens()).as("rows restored instead of prefilled")
                    .isGreaterThanOrEqualTo(prefix.length() + first.length + g1.tokens().size() - 1);
                assertThat(g2.tokens()).as("second turn after prefix of %d rows", prefix.length()).isEqualTo(whole.tokens());
                assertThat(g2.text()).isEqualTo(whole.text());
            }
        }
        assertThat(sessions.size()).isEqualTo(2);
    }

    @Test
    void sessionsBeyondTheByteBudgetAreDroppedLeastRecentlyUsedFirst() throws Exception {
        PrefixCache quantizer = new PrefixCache(zoo.models(), PrefixCacheProperties.defaults());
        SessionCache probe = new SessionCache(quantizer, SessionCacheProperties.defaults());
        long[] prompt = zoo.promptIds("caption:");
        try (ContinuousBatchingEngine engine = engine(quantizer, probe)) {
            engine.submit(greedy(Prefix.none(), prompt, 6), new SequenceOptions(false, "a", 0), () -> false).await(d -> { });
        }
        long one = probe.bytes();
        assertThat(one).isPositive();
        SessionCache bounded = new SessionCache(quantizer, new SessionCacheProperties(one * 3 / 2));
        try (ContinuousBatchingEngine engine = engine(quantizer, bounded)) {
            engine.submit(greedy(Prefix.none(), prompt, 6), new SequenceOptions(false, "a", 0), () -> false).await(d -> { });
            engine.submit(greedy(Prefix.none(), prompt, 6), new SequenceOptions(false, "b", 0), () -> false).await(d -> { });
        }
        assertThat(bounded.size()).isEqualTo(1);
        assertThat(bounded.session("b")).isPresent();
        assertThat(bounded.session("a")).isEmpty();
        assertThat(bounded.bytes()).isLessThanOrEqualTo(one * 3 / 2);
        try (ContinuousBatchingEngine engine = engine(quantizer, bounded)) {
            SequenceHandle evicted = engine.submit(greedy(Prefix.none(), follow(prompt, "caption:"), 6),
                new SequenceOptions(false, "a", 1), () -> false);
            assertThatThrownBy(() -> evicted.await(d -> { })).as("a continuation of the evicted session")
                .isInstanceOf(SessionNotHeldException.class).hasMessageContaining("Session 'a' at turn 1 is not held");
        }
    }

    @Test
    void aContinuationFailsUnlessTheSessionIsHeldAtItsTurnAndTurnZeroStartsTheSessionOver() throws Exception {
        PrefixCache quantizer = new PrefixCache(zoo.models(), PrefixCacheProperties.defaults());
        SessionCache sessions = new SessionCache(quantizer, SessionCacheProperties.defaults());
        long[] caption = zoo.promptIds("caption:");
        try (ContinuousBatchingEngine engine = engine(quantizer, sessions)) {
            SequenceHandle unknown = engine.submit(greedy(Prefix.none(), caption, 4), new SequenceOptions(false, "x", 1),
                () -> false);
            assertThatThrownBy(() -> unknown.await(d -> { })).isInstanceOf(SessionNotHeldException.class)
                .hasMessageContaining("it holds no such session");
            assertThat(sessions.session("x")).as("a failed continuation keeps nothing").isEmpty();

            Generation g1 = engine.submit(greedy(Prefix.none(), caption, 4), new SequenceOptions(false, "x", 0), () -> false)
                .await(d -> { });
            long[] held = conversation(caption, g1);
            assertThat(sessions.session("x").orElseThrow().turns()).isEqualTo(1);
            SequenceHandle ahead = engine.submit(greedy(Prefix.none(), follow(held, "caption:"), 4),
                new SequenceOptions(false, "x", 2), () -> false);
            assertThatThrownBy(() -> ahead.await(d -> { })).isInstanceOf(SessionNotHeldException.class)
                .hasMessageContaining("it holds that session at turn 1");
            SequenceHandle elsewhere = engine.submit(greedy(Prefix.none(), follow(caption, "question: where is the star? answer:"),
                4), new SequenceOptions(false, "x", 1), () -> false);
            assertThatThrownBy(() -> elsewhere.await(d -> { })).as("a prompt that does not continue the held conversation")
                .isInstanceOf(SessionNotHeldException.class).hasMessageContaining("another conversation");

            long[] fresh = zoo.promptIds("question: what colour is the circle? answer:");
            SequenceHandle over = engine.submit(greedy(Prefix.none(), fresh, 4), new SequenceOptions(false, "x", 0), () -> false);
            Generation restarted = over.await(d -> { });
            assertThat(over.reusedTokens()).as("a new session restores nothing").isZero();
            SessionCache.Session replaced = sessions.session("x").orElseThrow();
            assertThat(replaced.turns()).isEqualTo(1);
            assertThat(replaced.tokens()).isEqualTo(conversation(fresh, restarted));

            SequenceHandle next = engine.submit(greedy(Prefix.none(), follow(replaced.tokens(), "caption:"), 4),
                new SequenceOptions(false, "x", 1), () -> false);
            next.await(d -> { });
            assertThat(next.reusedTokens()).isPositive();
            assertThat(sessions.session("x").orElseThrow().turns()).isEqualTo(2);
        }
    }
}
