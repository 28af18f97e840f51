package io.neuropipe.encoder.input;

import java.util.Arrays;
import java.util.Locale;

import io.neuropipe.encoder.io.FloatNdArray;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.DataType;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.step.InvalidInputException;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.tensor.Tensors;

/**
 * An input artifact as the encoder sees it: a tensor, or the bytes of a file (NPY, EDF, NIfTI-1,
 * HDF5) told by its magic number. File bytes travel inline as a rank-1 {@code UINT8} tensor.
 *
 * @param name   the artifact name (prefixes every error message)
 * @param format what the payload is
 * @param tensor the tensor when {@code format} is {@link Format#TENSOR}
 * @param bytes  the file bytes otherwise
 */
public record Payload(String name, Format format, Tensor tensor, byte[] bytes) {

    /** What an input artifact holds. */
    public enum Format { TENSOR, NPY, EDF, NIFTI, HDF5 }

    private static final byte[] NPY = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** Reads an inline artifact, or a stored file's bytes through {@link StepInput#requireBlobBytes}. */
    public static Payload of(StepInput input, String artifactName) {
        Artifact artifact = input.requireArtifact(artifactName);
        if (artifact.hasBlob()) {
            String name = artifact.getName().isEmpty() ? artifactName : artifact.getName();
            byte[] b = input.requireBlobBytes(artifactName);
            return new Payload(name, sniff(b, name, artifact.getMetadataOrDefault("filename", "")), null, b);
        }
        return of(artifact);
    }

    /** Reads an inline artifact (a tensor, or file bytes as a rank-1 UINT8 tensor). */
    public static Payload of(Artifact artifact) {
        String name = artifact.getName().isEmpty() ? "input" : artifact.getName();
        if (artifact.hasBlob()) {
            throw new IllegalArgumentException("Artifact '" + name + "' is a stored blob; read it with Payload.of(StepInput, name)");
        }
        if (!artifact.hasTensor()) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, "Artifact '" + name + "' must be a tensor or a file"
                + " (NPY, EDF, NIfTI-1 or HDF5 bytes as a rank-1 UINT8 tensor)");
        }
        Tensor t = artifact.getTensor();
        if (t.getDtype() != DataType.UINT8 || t.getShapeCount() != 1) {
            return new Payload(name, Format.TENSOR, t, null);
        }
        byte[] b = t.getRawData().toByteArray();
        return new Payload(name, sniff(b, name, artifact.getMetadataOrDefault("filename", "")), null, b);
    }

    static Format sniff(byte[] b, String name, String filename) {
        if (startsWith(b, NPY)) {
            return Format.NPY;
        }
        if (startsWith(b, HDF5)) {
            return Format.HDF5;
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            return Format.NIFTI; // gzip: the only compressed format accepted is .nii.gz
        }
        if (b.length >= 348 && (le32(b, 0) == 348 || be32(b, 0) == 348)) {
            return Format.NIFTI;
        }
        if (b.length >= 8 && new String(b, 0, 8, java.nio.charset.StandardCharsets.US_ASCII).equals("0       ")) {
            return Format.EDF;
        }
        String f = filename.toLowerCase(Locale.ROOT);
        throw new InvalidInputException("Artifact '" + name + "'" + (f.isEmpty() ? "" : " (" + f + ")")
            + " is not an NPY, EDF/EDF+, NIfTI-1 (.nii/.nii.gz) or HDF5 file (unknown magic number)");
    }

    /** The file bytes; an error naming the artifact when it is a tensor. */
    public byte[] requireBytes() {
        if (bytes == null) {
            throw new InvalidInputException("Artifact '" + name + "' must be a file, not a tensor");
        }
        return bytes;
    }

    /** The tensor as a float array; {@code what} names the input in the error for a non-FP32 tensor. */
    public FloatNdArray floatArray(String what) {
        if (tensor == null) {
            throw new IllegalStateException("Artifact '" + name + "' is a file, not a tensor");
        }
        if (tensor.getDtype() != DataType.FP32) {
            throw new InvalidInputException(ErrorCode.SHAPE_MISMATCH, what + " tensor '" + name + "' must be FP32, is " + tensor.getDtype());
        }
        int[] shape = Arrays.stream(Tensors.shape(tensor)).mapToInt(Math::toIntExact).toArray();
        return new FloatNdArray(shape, Tensors.toFloats(tensor));
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    private static int be32(byte[] b, int o) {
        return (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
    }
}
