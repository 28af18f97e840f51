package io.neuropipe.decoder.bench;

/** {@code key=value} benchmark arguments. */
public final class Args {

    private Args() {
    }

    public static String string(String[] args, String key, String fallback) {
        for (String a : args) {
            if (a.startsWith(key + "=")) {
                return a.substring(key.length() + 1);
            }
        }
        return fallback;
    }

    public static int integer(String[] args, String key, int fallback) {
        return Integer.parseInt(string(args, key, Integer.toString(fallback)));
    }
}
