package io.neuropipe.decoder.contrastive;

import io.neuropipe.decoder.engine.KvCacheRunner;
import io.neuropipe.decoder.engine.LanguageModelEngine;
import io.neuropipe.decoder.prefix.PrefillInput;
import io.neuropipe.runtime.model.InferenceScope;

/**
 * DAMRO: a second KV cache over [outlier vision tokens only + prompt + generated tokens] runs in lock-step with
 * the full sequence; its logits are subtracted (see {@link DamroLogits}).
 *
 * @param outlierRows ascending prefix rows of the outlier tokens in the unpruned prefill sequence
 */
public record DamroContrast(LanguageModelEngine engine, int[] outlierRows, double alpha, double beta) implements LogitsContrast {

    @Override
    public Branch open(PrefillInput full) {
        PrefillInput outliersOnly = full.keepPrefixRows(outlierRows, engine.hidden());
        InferenceScope scope = engine.lm().scope();
        try {
            KvCacheRunner runner = new KvCacheRunner(engine.lm(), scope);
            float[] first = runner.forward(outliersOnly.embeds(), outliersOnly.positions(), outliersOnly.length(), engine.hidden());
            return new OutlierBranch(scope, runner, first);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    private final class OutlierBranch implements Branch {

        private final InferenceScope scope;
        private final KvCacheRunner runner;
        private final float[] step;
        private float[] outlierLogits;
        private float[] combined;

        OutlierBranch(InferenceScope scope, KvCacheRunner runner, float[] first) {
            this.scope = scope;
            this.runner = runner;
            this.outlierLogits = first;
            this.step = new float[engine.hidden()];
        }

        @Override
        public float[] adjust(float[] logits) {
            if (combined == null) {
                combined = new float[logits.length];
            }
            DamroLogits.combine(logits, outlierLogits, alpha, beta, combined);
            return combined;
        }

        @Override
        public void advance(int token, long position) {
            engine.embed(token, step, 0);
            outlierLogits = runner.forward(step, new long[] {position}, 1, engine.hidden());
        }

        @Override
        public void close() {
            scope.close();
        }
    }
}
