package io.neuropipe.runtime.blob;

import io.neuropipe.proto.v1.BlobRef;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.JdbcTemplate;

/** The PostgreSQL store on the gateway's own schema in a real PostgreSQL. */
class PostgresBlobStoreTest extends BlobStoreContract {

    private static PostgresBlobStore store;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void schema() {
        var ds = GatewaySchema.dataSource(GatewaySchema.create());
        store = new PostgresBlobStore(ds);
        jdbc = new JdbcTemplate(ds);
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Override
    void tamper(BlobRef ref, byte[] content) {
        jdbc.update("UPDATE blobs SET content = ? WHERE sha256 = ?", content, ref.getSha256());
    }
}
