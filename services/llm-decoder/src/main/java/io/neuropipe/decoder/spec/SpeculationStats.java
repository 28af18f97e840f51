package io.neuropipe.decoder.spec;

/**
 * How speculation went for one generation.
 *
 * @param proposer          proposer name
 * @param steps             verification passes (each yields its accepted drafts plus one base-model token)
 * @param acceptedDrafts    drafted tokens accepted over all steps
 * @param draftedAtDepth    [maxDepth] steps whose tree reached depth d + 1 (a candidate was offered there)
 * @param acceptedAtDepth   [maxDepth] steps that accepted a drafted token at depth d + 1
 */
public record SpeculationStats(String proposer, int steps, int acceptedDrafts, int[] draftedAtDepth, int[] acceptedAtDepth) {

    /** Tokens per verification pass: accepted drafts + the one the base model adds (Medusa's acceptance length). */
    public double meanAcceptedLength() {
        return steps == 0 ? 0 : (double) (acceptedDrafts + steps) / steps;
    }

    /** Per depth, the fraction of steps offering a candidate there that accepted one. */
    public double[] acceptanceByDepth() {
        double[] rates = new double[draftedAtDepth.length];
        for (int d = 0; d < rates.length; d++) {
            rates[d] = draftedAtDepth[d] == 0 ? 0 : (double) acceptedAtDepth[d] / draftedAtDepth[d];
        }
        return rates;
    }
}
