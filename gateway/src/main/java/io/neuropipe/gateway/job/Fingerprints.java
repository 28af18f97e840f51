package io.neuropipe.gateway.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import com.google.protobuf.CodedOutputStream;
import io.neuropipe.proto.v1.Artifact;

/**
 * SHA-256 of what a job request asks for (pipeline, inputs, params, timeout), independent of JSON
 * key order or map iteration order; a reused idempotency key with another fingerprint is refused.
 */
public final class Fingerprints {

    private Fingerprints() {
    }

    public static String of(JobSubmission s) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            out.writeStringNoTag(s.pipeline());
            for (Map.Entry<String, Artifact> e : new TreeMap<>(s.inputs()).entrySet()) {
                out.writeStringNoTag(e.getKey());
                out.writeMessageNoTag(e.getValue());
            }
            for (Map.Entry<String, String> e : new TreeMap<>(s.params()).entrySet()) {
                out.writeStringNoTag(e.getKey());
                out.writeStringNoTag(e.getValue());
            }
            out.writeInt64NoTag(s.timeoutMs());
            out.flush();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
