package io.neuropipe.encoder.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Writes small EDF/EDF+ files for tests; header fields are strings so tests can corrupt them. */
final class EdfBuilder {

    private record Signal(String label, String dim, String pmin, String pmax, String dmin, String dmax, String spr,
                          short[] data, String[] tals) {
    }

    String version = "0";
    String reserved = "";
    String records;
    String duration = "1";
    String headerBytes;
    private final List<Signal> signals = new ArrayList<>();
    private int recordCount;

    EdfBuilder(int records) {
        this.recordCount = records;
        this.records = Integer.toString(records);
    }

    EdfBuilder signal(String label, String dim, double pmin, double pmax, int dmin, int dmax, int spr, short[] data) {
        signals.add(new Signal(label, dim, num(pmin), num(pmax), Integer.toString(dmin), Integer.toString(dmax),
            Integer.toString(spr), data, null));
        return this;
    }

    /** An EDF Annotations signal; one TAL string per record (0 bytes added as terminators by the caller). */
    EdfBuilder annotations(int spr, String... perRecord) {
        signals.add(new Signal("EDF Annotations", "", "-1", "1", "-32768", "32767", Integer.toString(spr), null, perRecord));
        return this;
    }

    EdfBuilder edfPlus(boolean continuous) {
        reserved = continuous ? "EDF+C" : "EDF+D";
        return this;
    }

    /** Replace one signal-header field of signal {@code i}: label, dim, pmin, pmax, dmin, dmax, spr. */
    EdfBuilder field(int i, String field, String value) {
        Signal s = signals.get(i);
        signals.set(i, switch (field) {
            case "pmin" -> new Signal(s.label, s.dim, value, s.pmax, s.dmin, s.dmax, s.spr, s.data, s.tals);
            case "pmax" -> new Signal(s.label, s.dim, s.pmin, value, s.dmin, s.dmax, s.spr, s.data, s.tals);
            case "dmin" -> new Signal(s.label, s.dim, s.pmin, s.pmax, value, s.dmax, s.spr, s.data, s.tals);
            case "dmax" -> new Signal(s.label, s.dim, s.pmin, s.pmax, s.dmin, value, s.spr, s.data, s.tals);
            case "spr" -> new Signal(s.label, s.dim, s.pmin, s.pmax, s.dmin, s.dmax, value, s.data, s.tals);
            default -> throw new IllegalArgumentException(field);
        });
        return this;
    }

    byte[] build() {
        int ns = signals.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        put(out, version, 8);
        put(out, "X X X X", 80);
        put(out, "Startdate 29-NOV-2026 X test X", 80);
        put(out, "29.11.26", 8);
        put(out, "08.00.00", 8);
        put(out, headerBytes != null ? headerBytes : Integer.toString(256 * (ns + 1)), 8);
        put(out, reserved, 44);
        put(out, records, 8);
        put(out, duration, 8);
        put(out, Integer.toString(ns), 4);
        signals.forEach(s -> put(out, s.label, 16));
        signals.forEach(s -> put(out, "AgAgCl", 80));
        signals.forEach(s -> put(out, s.dim, 8));
        signals.forEach(s -> put(out, s.pmin, 8));
        signals.forEach(s -> put(out, s.pmax, 8));
        signals.forEach(s -> put(out, s.dmin, 8));
        signals.forEach(s -> put(out, s.dmax, 8));
        signals.forEach(s -> put(out, "", 80));
        signals.forEach(s -> put(out, s.spr, 8));
        signals.forEach(s -> put(out, "", 32));
        for (int r = 0; r < recordCount; r++) {
            for (Signal s : signals) {
                int spr = s.tals != null ? Integer.parseInt(s.spr.strip()) : s.data.length / recordCount;
                if (s.tals != null) {
                    byte[] t = s.tals[r].getBytes(StandardCharsets.UTF_8);
                    byte[] padded = new byte[2 * spr];
                    System.arraycopy(t, 0, padded, 0, Math.min(t.length, padded.length));
                    out.writeBytes(padded);
                } else {
                    for (int k = 0; k < spr; k++) {
                        short v = s.data[r * spr + k];
                        out.write(v & 0xff);
                        out.write((v >> 8) & 0xff);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static void put(ByteArrayOutputStream out, String s, int width) {
        StringBuilder b = new StringBuilder(s.length() > width ? s.substring(0, width) : s);
        while (b.length() < width) {
            b.append(' ');
        }
        out.writeBytes(b.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
