package io.neuropipe.runtime.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.neuropipe.proto.v1.BlobRef;
import org.junit.jupiter.api.io.TempDir;

/** The filesystem store in a temporary directory. */
class FileSystemBlobStoreTest extends BlobStoreContract {

    @TempDir
    Path root;
    private FileSystemBlobStore store;

    @Override
    BlobStore store() {
        if (store == null) {
            store = new FileSystemBlobStore(root);
        }
        return store;
    }

    @Override
    void tamper(BlobRef ref, byte[] content) {
        try {
            Files.write(root.resolve("data").resolve(ref.getSha256()), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
