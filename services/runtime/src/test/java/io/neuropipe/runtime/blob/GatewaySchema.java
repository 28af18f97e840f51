package io.neuropipe.runtime.blob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Stream;

import io.neuropipe.runtime.embedded.EmbeddedPostgresServer;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh schema in the shared PostgreSQL holding the gateway's tables, made by running the
 * gateway's own Flyway migrations in order (the gateway owns the schema; services only use it).
 */
public final class GatewaySchema {

    private static final Path MIGRATIONS = Path.of(System.getProperty("neuropipe.root", "../.."))
        .resolve("gateway/src/main/resources/db/migration");

    private GatewaySchema() {
    }

    /** JDBC URL of a new schema with every migration applied. */
    public static String create() {
        return create("neuropipe");
    }

    /** JDBC URL of a new schema with every migration applied, in {@code database} (created if missing). */
    public static String create(String database) {
        SharedInfrastructure.postgres().createDatabaseIfMissing(database);
        String schema = "blobs_" + UUID.randomUUID().toString().replace("-", "");
        String base = SharedInfrastructure.postgres().jdbcUrl(database);
        try (Connection c = dataSource(base).getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
            st.execute("SET search_path TO " + schema);
            try (Stream<Path> files = Files.list(MIGRATIONS)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
                        .sorted((a, b) -> Integer.compare(version(a), version(b))).toList()) {
                    st.execute(Files.readString(f));
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Cannot create the gateway schema from " + MIGRATIONS, e);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static PGSimpleDataSource dataSource(String url) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(EmbeddedPostgresServer.USER);
        return ds;
    }

    private static int version(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")).split("_")[0]);
    }

}
