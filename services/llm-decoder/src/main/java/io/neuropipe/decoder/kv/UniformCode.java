package io.neuropipe.decoder.kv;

/** Asymmetric min-max uniform quantization of one group of values to {@code bits} bits. */
final class UniformCode {

    private UniformCode() {
    }

    /** Step between two adjacent levels for values in [min, max]; 0 when the group is constant. */
    static float step(float min, float max, int bits) {
        return (max - min) / ((1 << bits) - 1);
    }

    static int encode(float x, float min, float step, int bits) {
        if (step == 0f) {
            return 0;
        }
        int q = Math.round((x - min) / step);
        return Math.max(0, Math.min((1 << bits) - 1, q));
    }

    static float decode(int code, float min, float step) {
        return code * step + min;
    }
}
