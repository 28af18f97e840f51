package io.neuropipe.encoder.domain;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Rational-ratio resampling by a polyphase FIR filter, the method of SciPy's {@code resample_poly}
 * with its defaults: upsample by {@code up}, low-pass with a Kaiser-windowed sinc (beta 5, cutoff
 * {@code 1/max(up, down)} of Nyquist, {@code 2 * 10 * max(up, down) + 1} taps, DC gain 1), downsample
 * by {@code down}, zero padding at the edges and no delay (output sample {@code m} lies at input time
 * {@code m * down / up}). Output length {@code ceil(n * up / down)}.
 *
 * <p>Examples: 500 -> 250 Hz is 1/2, 1000 -> 250 is 1/4, 256 -> 250 is 125/128.
 */
public final class PolyphaseResampler {

    /** Largest {@code max(up, down)} accepted; larger ratios would need filters of 80k+ taps. */
    public static final int MAX_FACTOR = 4000;

    private final int up;
    private final int down;
    private final int halfLen;
    private final double[] h;

    public PolyphaseResampler(int up, int down) {
        if (up < 1 || down < 1) {
            throw new IllegalArgumentException("up and down must be positive: " + up + "/" + down);
        }
        int g = gcd(up, down);
        this.up = up / g;
        this.down = down / g;
        int max = Math.max(this.up, this.down);
        if (max > MAX_FACTOR) {
            throw new IllegalArgumentException("resampling ratio " + this.up + "/" + this.down + " is too fine (max factor " + MAX_FACTOR + ")");
        }
        this.halfLen = 10 * max;
        this.h = design(this.up, max, halfLen);
    }

    /**
     * The resampler from {@code fromRate} to {@code toRate} Hz. Rates are turned into a ratio of
     * integers (exactly for integer rates, by continued fractions to 1e-9 otherwise).
     */
    public static PolyphaseResampler of(double fromRate, double toRate) {
        if (!(fromRate > 0) || !(toRate > 0) || Double.isInfinite(fromRate) || Double.isInfinite(toRate)) {
            throw new InvalidInputException("sampling rates must be positive and finite: " + fromRate + " -> " + toRate + " Hz");
        }
        long[] ratio = ratio(toRate / fromRate);
        if (ratio == null) {
            throw new InvalidInputException("cannot resample " + fromRate + " Hz to " + toRate
                + " Hz: no ratio of integers up to " + MAX_FACTOR + " matches");
        }
        return new PolyphaseResampler((int) ratio[0], (int) ratio[1]);
    }

    public int up() {
        return up;
    }

    public int down() {
        return down;
    }

    public boolean isIdentity() {
        return up == down;
    }

    /** {@code ceil(n * up / down)}. */
    public int outputLength(int n) {
        long t = (long) n * up;
        return (int) (t / down + (t % down == 0 ? 0 : 1));
    }

    /** Resamples one channel. */
    public float[] resample(float[] x) {
        float[] y = new float[outputLength(x.length)];
        resample(x, 0, x.length, y, 0);
        return y;
    }

    /** Resamples {@code len} samples of {@code x} from {@code off} into {@code y} at {@code yOff}; returns the count written. */
    public int resample(float[] x, int off, int len, float[] y, int yOff) {
        int nOut = outputLength(len);
        if (up == down) {
            System.arraycopy(x, off, y, yOff, len);
            return len;
        }
        for (int m = 0; m < nOut; m++) {
            long t = (long) m * down + halfLen;          // filter index of input k is t - k*up, in [0, 2*halfLen]
            long kLo = Math.max(0, ceilDiv(t - 2L * halfLen, up));
            long kHi = Math.min(len - 1, t / up);
            double acc = 0;
            for (long k = kLo; k <= kHi; k++) {
                acc += x[off + (int) k] * h[(int) (t - k * up)];
            }
            y[yOff + m] = (float) acc;
        }
        return nOut;
    }

    /** Resamples every channel of a [channels, samples] signal; the start time is kept. */
    public EegSignal resample(EegSignal in, double toRate) {
        int n = outputLength(in.samples());
        float[] out = new float[in.channelCount() * n];
        for (int c = 0; c < in.channelCount(); c++) {
            resample(in.data(), c * in.samples(), in.samples(), out, c * n);
        }
        return new EegSignal(in.channels(), toRate, in.startTime(), n, out);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    static double[] design(int up, int max, int halfLen) {
        int taps = 2 * halfLen + 1;
        double fc = 1.0 / max;
        double beta = 5.0;
        double i0beta = besselI0(beta);
        double[] h = new double[taps];
        double sum = 0;
        for (int i = 0; i < taps; i++) {
            double m = i - halfLen;
            double x = fc * m;
            double sinc = x == 0 ? 1.0 : Math.sin(Math.PI * x) / (Math.PI * x);
            double r = (2.0 * i / (taps - 1)) - 1.0;
            double w = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0beta;
            h[i] = fc * sinc * w;
            sum += h[i];
        }
        for (int i = 0; i < taps; i++) {
            h[i] = h[i] / sum * up;
        }
        return h;
    }

    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 200; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    static long[] ratio(double r) {
        for (long den = 1; den <= MAX_FACTOR; den++) {
            long num = Math.round(r * den);
            if (num >= 1 && num <= MAX_FACTOR && Math.abs((double) num / den - r) <= 1e-9 * r) {
                long g = gcd(num, den);
                return new long[] {num / g, den / g};
            }
        }
        return null;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    @Override
    public String toString() {
        return "PolyphaseResampler[" + up + "/" + down + ", " + h.length + " taps]";
    }
}
