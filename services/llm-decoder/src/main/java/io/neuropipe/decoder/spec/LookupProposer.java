package io.neuropipe.decoder.spec;

import org.springframework.stereotype.Component;

/**
 * Model-free drafting (prompt lookup): find the most recent earlier occurrence of the context's last n tokens
 * (n from the configured n-gram length down to 1) in the prompt and output so far and propose the tokens that
 * followed it, as one chain.
 */
@Component
public class LookupProposer implements Proposer {

    @Override
    public String name() {
        return "lookup";
    }

    @Override
    public int maxNodes(SpeculationOptions options) {
        return options.draftLength() + 1;
    }

    @Override
    public DraftTree propose(ProposalContext context) {
        return DraftTree.chain(context.root(), draft(context.history(), context.options().ngram(), context.options().draftLength()));
    }

    static int[] draft(TokenHistory history, int maxNgram, int draftLength) {
        int length = history.length();
        for (int n = Math.min(maxNgram, length - 1); n >= 1; n--) {
            for (int start = length - n - 1; start >= 0; start--) {
                if (matches(history, start, length - n, n)) {
                    int available = Math.min(draftLength, length - (start + n));
                    int[] drafted = new int[available];
                    for (int i = 0; i < available; i++) {
                        drafted[i] = history.get(start + n + i);
                    }
                    return drafted;
                }
            }
        }
        return new int[0];
    }

    private static boolean matches(TokenHistory history, int a, int b, int n) {
        for (int i = 0; i < n; i++) {
            if (history.get(a + i) != history.get(b + i)) {
                return false;
            }
        }
        return true;
    }
}
