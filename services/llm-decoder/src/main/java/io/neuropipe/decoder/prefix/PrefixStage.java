package io.neuropipe.decoder.prefix;

/** Runs before the prefill and may drop prefix (vision) rows; prompt rows always stay. */
@FunctionalInterface
public interface PrefixStage {

    PrefixStage NONE = full -> full;

    PrefillInput apply(PrefillInput full);
}
