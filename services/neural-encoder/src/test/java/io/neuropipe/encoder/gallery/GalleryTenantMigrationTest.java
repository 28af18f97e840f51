package io.neuropipe.encoder.gallery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import javax.sql.DataSource;

import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** {@code V3__gallery_tenants.sql} over galleries written before it: they become shared and keep their entries. */
class GalleryTenantMigrationTest {

    @Test
    void galleriesFromBeforeTenantsBecomeSharedWithTheirEntries() {
        String database = "encoder_mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        EmbeddedPostgresServer pg = SharedInfrastructure.postgres();
        pg.createDatabaseIfMissing(database);
        DataSource ds = new DriverManagerDataSource(pg.jdbcUrl(database) + "?currentSchema=neural_encoder", EmbeddedPostgresServer.USER, "");
        Flyway.configure().dataSource(ds).schemas("neural_encoder").locations("classpath:db/neural-encoder").target("2").load().migrate();
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("INSERT INTO galleries (name, dim) VALUES ('zoo', 2), ('lab', 2)").update();
        jdbc.sql("INSERT INTO gallery_entries (gallery, label, embedding) VALUES ('zoo', 'z1', '\\x0000803f00000000'),"
            + " ('zoo', 'z2', '\\x000000000000803f'), ('lab', 'l1', '\\x0000803f0000803f')").update();

        Flyway.configure().dataSource(ds).schemas("neural_encoder").locations("classpath:db/neural-encoder").load().migrate();

        assertThat(jdbc.sql("SELECT count(*) FROM galleries WHERE tenant = ''").query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM gallery_entries e JOIN galleries g ON g.id = e.gallery_id WHERE g.name = 'zoo'")
            .query(Long.class).single()).isEqualTo(2);
        jdbc.sql("INSERT INTO galleries (tenant, name, dim) VALUES ('t1', 'zoo', 2)").update();
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO galleries (tenant, name, dim) VALUES ('t1', 'zoo', 2)").update())
            .isInstanceOf(DuplicateKeyException.class);
        jdbc.sql("DELETE FROM galleries WHERE tenant = '' AND name = 'lab'").update();
        assertThat(jdbc.sql("SELECT count(*) FROM gallery_entries").query(Long.class).single()).as("entries cascade").isEqualTo(2);
    }
}
