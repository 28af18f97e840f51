package io.neuropipe.runtime.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;

import io.neuropipe.proto.v1.BlobRef;

/**
 * Blobs as files under one root shared by every instance (a volume): {@code data/<sha256>} holds
 * the content, {@code claims/<sha256>/<job>} and {@code jobs/<job>/<sha256>} are empty files that
 * record which job holds which blob. Addresses are {@code file://<root>/data/<sha256>}; reads
 * take only the SHA-256 from them, so a reference cannot point outside the root.
 */
public final class FileSystemBlobStore implements BlobStore {

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final Path data;
    private final Path claims;
    private final Path jobs;
    private final String uriPrefix;

    public FileSystemBlobStore(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        this.data = abs.resolve("data");
        this.claims = abs.resolve("claims");
        this.jobs = abs.resolve("jobs");
        this.uriPrefix = data.toUri().toString().replaceAll("/?$", "/");
        try {
            Files.createDirectories(data);
            Files.createDirectories(claims);
            Files.createDirectories(jobs);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the blob store under " + abs, e);
        }
    }

    @Override
    public BlobRef refOf(String mediaType, byte[] content) {
        return BlobRefs.of(uriPrefix, mediaType, content);
    }

    @Override
    public BlobRef put(String jobId, String mediaType, byte[] content) {
        requireJobId(jobId);
        BlobRef ref = refOf(mediaType, content);
        String sha = ref.getSha256();
        try {
            touch(jobs.resolve(jobId).resolve(sha));
            touch(claims.resolve(sha).resolve(jobId));
            Path file = data.resolve(sha);
            if (!Files.exists(file)) {
                Path tmp = data.resolve(sha + "." + UUID.randomUUID() + ".tmp");
                Files.write(tmp, content);
                move(tmp, file);
            }
            return ref;
        } catch (IOException e) {
            throw new BlobUnavailableException("Cannot store blob " + ref.getUri() + " for job " + jobId + ": " + e, e);
        }
    }

    @Override
    public byte[] get(BlobRef ref) {
        String sha = BlobRefs.addressOf(ref, uriPrefix);
        try {
            return BlobRefs.verified(ref, Files.readAllBytes(data.resolve(sha)));
        } catch (NoSuchFileException e) {
            throw new BlobMissingException("Blob " + ref.getUri() + " does not exist (deleted with its job?)");
        } catch (IOException e) {
            throw new BlobUnavailableException("Cannot read blob " + ref.getUri() + ": " + e, e);
        }
    }

    @Override
    public int deleteJob(String jobId) {
        requireJobId(jobId);
        Path claimed = jobs.resolve(jobId);
        if (!Files.isDirectory(claimed)) {
            return 0;
        }
        int deleted = 0;
        try (DirectoryStream<Path> shas = Files.newDirectoryStream(claimed)) {
            for (Path marker : shas) {
                String sha = marker.getFileName().toString();
                Path holders = claims.resolve(sha);
                Files.deleteIfExists(holders.resolve(jobId));
                if (isEmpty(holders)) {
                    deleted += Files.deleteIfExists(data.resolve(sha)) ? 1 : 0;
                    deleteIfEmpty(holders);
                }
                Files.deleteIfExists(marker);
            }
            Files.deleteIfExists(claimed);
            return deleted;
        } catch (IOException e) {
            throw new BlobUnavailableException("Cannot delete the blobs of job " + jobId + ": " + e, e);
        }
    }

    private static void touch(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException ignored) {
            // already claimed
        }
    }

    private static void move(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return !entries.iterator().hasNext();
        }
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a new claim arrived meanwhile: the directory stays
        }
    }

    private static void requireJobId(String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("Job id '" + jobId + "' cannot name a blob claim");
        }
    }
}
