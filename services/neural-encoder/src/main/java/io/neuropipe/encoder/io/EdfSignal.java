package io.neuropipe.encoder.io;

import java.util.Locale;

/**
 * One signal of an EDF/EDF+ file, with its samples scaled to physical units.
 *
 * @param label             the 16-character label, trimmed (e.g. {@code EEG Fp1})
 * @param transducer        transducer type
 * @param physicalDimension unit of the physical values (e.g. {@code uV})
 * @param physicalMin       physical value of {@code digitalMin}
 * @param physicalMax       physical value of {@code digitalMax}
 * @param digitalMin        smallest digital value
 * @param digitalMax        largest digital value
 * @param prefiltering      prefiltering text
 * @param samplesPerRecord  samples in each data record
 * @param sampleRate        samples per second ({@code samplesPerRecord / record duration})
 * @param samples           all samples in physical units; empty for an {@code EDF Annotations} signal
 */
public record EdfSignal(String label, String transducer, String physicalDimension, double physicalMin, double physicalMax,
                        int digitalMin, int digitalMax, String prefiltering, int samplesPerRecord, double sampleRate,
                        float[] samples) {

    /** The EDF+ label of annotation signals. */
    public static final String ANNOTATIONS = "EDF Annotations";

    public boolean isAnnotations() {
        return ANNOTATIONS.equals(label);
    }

    /** The label without the EDF+ signal-type prefix {@code "EEG "} (so {@code EEG Fp1} -> {@code Fp1}). */
    public String channelName() {
        return label.regionMatches(true, 0, "EEG ", 0, 4) ? label.substring(4).strip() : label;
    }

    /** Microvolts per physical unit of this signal: 1 for uV, 1000 for mV, 1e6 for V; NaN for other units. */
    public double microvoltsPerUnit() {
        String u = physicalDimension.strip().toLowerCase(Locale.ROOT).replace('\u00b5', 'u').replace('\u03bc', 'u');
        return switch (u) {
            case "uv", "microv", "microvolt", "microvolts" -> 1.0;
            case "mv" -> 1e3;
            case "v" -> 1e6;
            case "nv" -> 1e-3;
            default -> Double.NaN;
        };
    }

    @Override
    public String toString() {
        return "EdfSignal[" + label + ", " + samples.length + " samples @ " + sampleRate + " Hz, " + physicalDimension + "]";
    }
}
