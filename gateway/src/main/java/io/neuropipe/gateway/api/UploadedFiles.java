package io.neuropipe.gateway.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

import com.google.protobuf.ByteString;
import io.neuropipe.gateway.config.PipelinesProperties.InputKind;
import io.neuropipe.gateway.job.UploadedBlob;
import io.neuropipe.gateway.job.InvalidInputException;
import io.neuropipe.gateway.job.Npy;
import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.runtime.blob.BlobStore;
import org.springframework.web.multipart.MultipartFile;

/**
 * Turns an uploaded file into a job input: a NumPy {@code .npy} file becomes a tensor, a PNG or
 * JPEG an image, an EDF recording or a NIfTI volume a blob (claim-check reference, stored with
 * the job) in its media type for the service that reads it. Kinds are told by content, then name.
 */
final class UploadedFiles {

    static final String EDF = "application/x-edf";
    static final String NIFTI = "application/x-nifti";
    static final String NIFTI_GZ = "application/x-nifti+gzip";

    /** An input and, for a blob, the file to store. */
    record Upload(Artifact artifact, UploadedBlob blob) {
    }

    private UploadedFiles() {
    }

    static Upload read(MultipartFile file, InputKind kind, String field, long maxTensorElements, BlobStore store) {
        byte[] bytes;
        try {
            bytes = file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = plainName(file.getOriginalFilename(), field).toLowerCase(Locale.ROOT);
        if (startsWith(bytes, (byte) 0x93, 'N', 'U', 'M', 'P', 'Y')) {
            return new Upload(Artifact.newBuilder().setTensor(Npy.read(bytes, field, maxTensorElements)).build(), null);
        }
        if (startsWith(bytes, (byte) 0x89, 'P', 'N', 'G') || startsWith(bytes, (byte) 0xFF, (byte) 0xD8, (byte) 0xFF)) {
            String type = bytes[0] == (byte) 0x89 ? ArtifactJson.PNG : ArtifactJson.JPEG;
            return new Upload(Artifact.newBuilder().setPng(ByteString.copyFrom(bytes))
                .putMetadata(ArtifactJson.CONTENT_TYPE, type).build(), null);
        }
        String media = name.endsWith(".edf") || name.endsWith(".bdf") ? EDF
            : name.endsWith(".nii") ? NIFTI : name.endsWith(".nii.gz") ? NIFTI_GZ : null;
        if (media == null) {
            throw new InvalidInputException(field, "Is not a file the gateway accepts: .npy (tensor), .png/.jpg (image),"
                + " .edf/.bdf (EEG recording) or .nii/.nii.gz (fMRI volume)");
        }
        if (kind != InputKind.TENSOR) {
            throw new InvalidInputException(field, "A recording or volume cannot be a " + kind.name().toLowerCase(Locale.ROOT)
                + " input");
        }
        return new Upload(Artifact.newBuilder().setBlob(store.refOf(media, bytes)).putMetadata("filename", name).build(),
            new UploadedBlob(media, bytes));
    }

    /** The client's file name, refused when it is a path (e.g. {@code ../../etc/passwd}) or has control characters. */
    private static String plainName(String name, String field) {
        if (name == null) {
            return "";
        }
        if (name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".") || name.length() > 255
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new InvalidInputException(field, "File name '" + name.replaceAll("\\p{Cntrl}", "?")
                + "' must be a plain file name (no path, at most 255 characters, no control characters)");
        }
        return name;
    }

    private static boolean startsWith(byte[] data, int... prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != (byte) prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
