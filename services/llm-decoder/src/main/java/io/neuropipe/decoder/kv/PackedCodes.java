package io.neuropipe.decoder.kv;

/**
 * Unsigned integer codes of 1, 2, 4 or 8 bits packed little-end first into bytes (a 2-bit code array of 5 entries takes 2
 * bytes).
 */
final class PackedCodes {

    private PackedCodes() {
    }

    static byte[] pack(int[] codes, int count, int bits) {
        requireBits(bits);
        int perByte = 8 / bits;
        byte[] out = new byte[(count + perByte - 1) / perByte];
        for (int i = 0; i < count; i++) {
            out[i / perByte] |= (byte) (codes[i] << ((i % perByte) * bits));
        }
        return out;
    }

    static int get(byte[] packed, int index, int bits) {
        int perByte = 8 / bits;
        return (packed[index / perByte] >>> ((index % perByte) * bits)) & ((1 << bits) - 1);
    }

    static void requireBits(int bits) {
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8) {
            throw new IllegalArgumentException("bits must be 1, 2, 4 or 8 but is " + bits);
        }
    }
}
