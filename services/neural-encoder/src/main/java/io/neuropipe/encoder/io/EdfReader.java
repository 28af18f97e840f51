package io.neuropipe.encoder.io;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import io.neuropipe.runtime.step.InvalidInputException;

/**
 * Reads EDF and EDF+ (16-bit) files: per-signal physical/digital scaling to physical units,
 * per-signal sampling rates, and the EDF+ {@code EDF Annotations} signal(s) with their
 * time-stamped annotation lists (TALs) and the per-record time-keeping stamps.
 *
 * <p>Every problem (not EDF, BDF, a header field that is not a number, inconsistent header size,
 * truncated data records, malformed TALs, a file larger than the limits) is an
 * {@link InvalidInputException} naming the file and field.
 */
public final class EdfReader {

    private static final int MAX_SIGNALS = 4096;
    private static final Pattern ONSET = Pattern.compile("[+-]\\d+(\\.\\d*)?");
    private static final Pattern DURATION = Pattern.compile("\\d+(\\.\\d*)?");

    private final InputLimits limits;

    public EdfReader() {
        this(InputLimits.DEFAULT);
    }

    public EdfReader(InputLimits limits) {
        this.limits = limits;
    }

    public EdfRecording read(Path path) {
        return read(Bytes.readAll(path, limits.maxBytes()), path.toString());
    }

    public EdfRecording read(InputStream in, String name) {
        return read(Bytes.readAll(in, limits.maxBytes(), name), name);
    }

    /** Decodes a whole EDF/EDF+ file; {@code name} prefixes every error message. */
    public EdfRecording read(byte[] b, String name) {
        if (b.length > limits.maxBytes()) {
            throw Bytes.invalid(name, "larger than the limit of " + limits.maxBytes() + " bytes");
        }
        if (b.length >= 1 && (b[0] & 0xff) == 0xff) {
            throw Bytes.invalid(name, "is a BDF (24-bit) file; only 16-bit EDF/EDF+ is supported");
        }
        if (b.length < 256) {
            throw Bytes.invalid(name, "truncated: " + b.length + " bytes, an EDF header alone is 256 bytes");
        }
        Fields f = new Fields(b, name);
        String version = f.text(0, 8, "version");
        if (!"0".equals(version)) {
            throw Bytes.invalid(name, "not an EDF file (version field is '" + version + "', expected '0')");
        }
        String patient = f.text(8, 80, "patient");
        String recordingId = f.text(88, 80, "recording");
        String startDate = f.text(168, 8, "start date");
        String startTime = f.text(176, 8, "start time");
        long headerBytes = f.integer(184, 8, "number of header bytes");
        String reserved = f.text(192, 44, "reserved");
        long records = f.integer(236, 8, "number of data records");
        double duration = f.number(244, 8, "duration of a data record");
        long ns = f.integer(252, 4, "number of signals");
        boolean edfPlus = reserved.startsWith("EDF+");
        boolean continuous = !reserved.startsWith("EDF+D");

        if (ns < 1 || ns > MAX_SIGNALS) {
            throw Bytes.invalid(name, "number of signals is " + ns + " (1.." + MAX_SIGNALS + " allowed)");
        }
        if (headerBytes != 256L * (ns + 1)) {
            throw Bytes.invalid(name, "header size field says " + headerBytes + " bytes but " + ns + " signals need " + 256L * (ns + 1));
        }
        if (b.length < headerBytes) {
            throw Bytes.invalid(name, "truncated in the signal headers (" + b.length + " of " + headerBytes + " bytes)");
        }
        if (duration < 0 || !Double.isFinite(duration)) {
            throw Bytes.invalid(name, "duration of a data record is " + duration + " s");
        }
        int n = (int) ns;
        String[] labels = new String[n];
        String[] transducer = new String[n];
        String[] dim = new String[n];
        double[] pmin = new double[n];
        double[] pmax = new double[n];
        long[] dmin = new long[n];
        long[] dmax = new long[n];
        String[] prefilter = new String[n];
        long[] spr = new long[n];
        int off = 256;
        for (int i = 0; i < n; i++) {
            labels[i] = f.text(off + i * 16, 16, "label of signal " + (i + 1));
        }
        off += 16 * n;
        for (int i = 0; i < n; i++) {
            transducer[i] = f.text(off + i * 80, 80, "transducer of " + labels[i]);
        }
        off += 80 * n;
        for (int i = 0; i < n; i++) {
            dim[i] = f.text(off + i * 8, 8, "physical dimension of " + labels[i]);
        }
        off += 8 * n;
        for (int i = 0; i < n; i++) {
            pmin[i] = f.number(off + i * 8, 8, "physical minimum of " + labels[i]);
        }
        off += 8 * n;
        for (int i = 0; i < n; i++) {
            pmax[i] = f.number(off + i * 8, 8, "physical maximum of " + labels[i]);
        }
        off += 8 * n;
        for (int i = 0; i < n; i++) {
            dmin[i] = f.integer(off + i * 8, 8, "digital minimum of " + labels[i]);
        }
        off += 8 * n;
        for (int i = 0; i < n; i++) {
            dmax[i] = f.integer(off + i * 8, 8, "digital maximum of " + labels[i]);
        }
        off += 8 * n;
        for (int i = 0; i < n; i++) {
            prefilter[i] = f.text(off + i * 80, 80, "prefiltering of " + labels[i]);
        }
        off += 80 * n;
        for (int i = 0; i < n; i++) {
            spr[i] = f.integer(off + i * 8, 8, "samples per record of " + labels[i]);
        }

        long recordBytes = 0;
        boolean anyData = false;
        for (int i = 0; i < n; i++) {
            boolean annotations = EdfSignal.ANNOTATIONS.equals(labels[i]);
            anyData |= !annotations;
            if (spr[i] < 1 || spr[i] > limits.maxElements()) {
                throw Bytes.invalid(name, "samples per record of " + labels[i] + " is " + spr[i]);
            }
            if (!annotations) {
                if (dmin[i] < -32768 || dmax[i] > 32767 || dmin[i] >= dmax[i]) {
                    throw Bytes.invalid(name, "digital range of " + labels[i] + " is [" + dmin[i] + ", " + dmax[i]
                        + "]; 16-bit EDF needs -32768 <= min < max <= 32767");
                }
                if (pmin[i] == pmax[i]) {
                    throw Bytes.invalid(name, "physical minimum and maximum of " + labels[i] + " are both " + pmin[i]);
                }
            }
            recordBytes += 2 * spr[i];
        }
        if (anyData && duration == 0) {
            throw Bytes.invalid(name, "duration of a data record is 0 s but the file has data signals");
        }
        long available = (b.length - headerBytes) / recordBytes;
        if (records == -1) {
            records = available;
        } else if (records < 0) {
            throw Bytes.invalid(name, "number of data records is " + records);
        } else if (records > available) {
            throw Bytes.invalid(name, "truncated: header declares " + records + " data records of " + recordBytes
                + " bytes but the file holds only " + available + " complete records (" + (b.length - headerBytes) + " data bytes)");
        }
        int nrec = (int) records;
        for (int i = 0; i < n; i++) {
            if (spr[i] * records > limits.maxElements()) {
                throw Bytes.invalid(name, labels[i] + " has " + spr[i] * records + " samples, more than the limit of " + limits.maxElements());
            }
        }

        float[][] samples = new float[n][];
        for (int i = 0; i < n; i++) {
            samples[i] = EdfSignal.ANNOTATIONS.equals(labels[i]) ? new float[0] : new float[(int) (spr[i] * records)];
        }
        double[] recordStarts = new double[nrec];
        boolean[] stamped = new boolean[nrec];
        List<EdfAnnotation> annotations = new ArrayList<>();
        long pos = headerBytes;
        for (int r = 0; r < nrec; r++) {
            boolean firstAnnotationSignal = true;
            for (int i = 0; i < n; i++) {
                int len = (int) spr[i];
                int p = (int) pos;
                if (EdfSignal.ANNOTATIONS.equals(labels[i])) {
                    Double stamp = parseTals(b, p, 2 * len, r, name, annotations, firstAnnotationSignal);
                    if (firstAnnotationSignal && stamp != null) {
                        recordStarts[r] = stamp;
                        stamped[r] = true;
                    }
                    firstAnnotationSignal = false;
                } else {
                    double scale = (pmax[i] - pmin[i]) / (double) (dmax[i] - dmin[i]);
                    double base = pmin[i] - dmin[i] * scale;
                    float[] out = samples[i];
                    int o = r * len;
                    for (int k = 0; k < len; k++) {
                        int d = (short) ((b[p + 2 * k] & 0xff) | (b[p + 2 * k + 1] << 8));
                        out[o + k] = (float) (d * scale + base);
                    }
                }
                pos += 2L * len;
            }
        }
        for (int r = 0; r < nrec; r++) {
            if (!stamped[r]) {
                recordStarts[r] = r * duration;
            }
        }
        List<EdfSignal> signals = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double rate = duration > 0 ? spr[i] / duration : 0.0;
            signals.add(new EdfSignal(labels[i], transducer[i], dim[i], pmin[i], pmax[i], (int) dmin[i], (int) dmax[i],
                prefilter[i], (int) spr[i], rate, samples[i]));
        }
        return new EdfRecording(name, patient, recordingId, startDate, startTime, edfPlus, continuous, duration, recordStarts,
            signals, annotations);
    }

    /**
     * Parses the TALs of one annotation signal in one record; returns the record's time-keeping
     * stamp (the first TAL's onset when its first text is empty) when {@code timekeeping}.
     */
    private static Double parseTals(byte[] b, int start, int len, int record, String name, List<EdfAnnotation> out,
                                    boolean timekeeping) {
        Double stamp = null;
        int end = start + len;
        int i = start;
        boolean first = true;
        while (i < end) {
            int j = i;
            while (j < end && b[j] != 0) {
                j++;
            }
            if (j > i) {
                String tal = new String(b, i, j - i, StandardCharsets.UTF_8);
                if (j == end) {
                    throw Bytes.invalid(name, "data record " + record + ": annotation list '" + printable(tal) + "' is not terminated by a 0 byte");
                }
                int sep = tal.indexOf('\u0014');
                if (sep < 0) {
                    throw Bytes.invalid(name, "data record " + record + ": annotation list '" + printable(tal)
                        + "' has no 0x14 separator after its onset");
                }
                String timing = tal.substring(0, sep);
                int dsep = timing.indexOf('\u0015');
                String onsetText = dsep < 0 ? timing : timing.substring(0, dsep);
                if (!ONSET.matcher(onsetText).matches()) {
                    throw Bytes.invalid(name, "data record " + record + ": annotation onset '" + printable(onsetText)
                        + "' is not a signed number of seconds");
                }
                double onset = Double.parseDouble(onsetText);
                double duration = Double.NaN;
                if (dsep >= 0) {
                    String d = timing.substring(dsep + 1);
                    if (!DURATION.matcher(d).matches()) {
                        throw Bytes.invalid(name, "data record " + record + ": annotation duration '" + printable(d) + "' is not a number");
                    }
                    duration = Double.parseDouble(d);
                }
                String[] texts = tal.substring(sep + 1).split("\u0014", -1);
                for (String t : texts) {
                    if (!t.isEmpty()) {
                        out.add(new EdfAnnotation(onset, duration, t));
                    }
                }
                if (first && timekeeping && (texts.length == 0 || texts[0].isEmpty())) {
                    stamp = onset;
                }
                first = false;
            }
            i = j + 1;
        }
        return stamp;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (sb.length() > 80) {
                sb.append("...");
                break;
            }
            sb.append(c < 32 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    /** Fixed-width ASCII header fields. */
    private record Fields(byte[] b, String name) {

        String text(int off, int len, String field) {
            if (off + len > b.length) {
                throw Bytes.invalid(name, "truncated in the header field '" + field + "'");
            }
            return new String(b, off, len, StandardCharsets.ISO_8859_1).strip();
        }

        long integer(int off, int len, String field) {
            String t = text(off, len, field);
            try {
                return Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
            } catch (NumberFormatException e) {
                // some writers put "256.0" or "-32768." into integer fields
                try {
                    double d = Double.parseDouble(t);
                    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                        return (long) d;
                    }
                } catch (NumberFormatException ignored) {
                    // fall through
                }
                throw Bytes.invalid(name, "header field '" + field + "' is '" + t + "', not an integer");
            }
        }

        double number(int off, int len, String field) {
            String t = text(off, len, field);
            if (t.isEmpty() || !t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                throw Bytes.invalid(name, "header field '" + field + "' is '" + t + "', not a number");
            }
            return Double.parseDouble(t);
        }
    }

    @Override
    public String toString() {
        return "EdfReader" + Arrays.asList(limits.maxBytes(), limits.maxElements());
    }
}
