package io.neuropipe.decoder.spec;

import java.util.Arrays;

/** Prompt and generated token ids so far, in order, without boxing; the proposers' view of the context. */
public final class TokenHistory {

    private int[] tokens;
    private int length;

    public TokenHistory(long[] prompt, int extra) {
        tokens = new int[prompt.length + Math.max(extra, 1)];
        for (long id : prompt) {
            tokens[length++] = (int) id;
        }
    }

    public void add(int token) {
        if (length == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[length++] = token;
    }

    public int length() {
        return length;
    }

    public int get(int index) {
        return tokens[index];
    }
}
