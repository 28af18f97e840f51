package io.neuropipe.gateway.job;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import io.neuropipe.gateway.config.JobEndProperties;
import io.neuropipe.gateway.lifecycle.BackgroundLoop;
import io.neuropipe.runtime.retry.OutageBackoff;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.stereotype.Component;

/**
 * Hears, through PostgreSQL LISTEN/NOTIFY on {@value #CHANNEL}, that some gateway instance committed a job's final
 * state ({@link JobStore#finish} notifies in the same transaction, so a notice means the end is visible) and wakes
 * this instance's waiters of that job ({@link JobCompletions#endedElsewhere}). Listens on a connection of its own,
 * outside the pool; after losing it (PostgreSQL restarted), it reconnects and checks the store for the jobs still
 * waited on here, whose notices it may have missed. Notices of jobs this instance ended itself find no waiter left.
 */
@Component
class JobEndListener extends BackgroundLoop {

    /** The NOTIFY channel; the payload is the job id. */
    static final String CHANNEL = "neuropipe_job_ended";
    private static final Logger log = LoggerFactory.getLogger(JobEndListener.class);

    private final DataSource connections;
    private final JobStore jobs;
    private final JobCompletions completions;
    private final JobEndProperties properties;

    JobEndListener(DataSource dataSource, JobStore jobs, JobCompletions completions, JobEndProperties properties) {
        super("job-end-listener", properties.pollTimeout().plusSeconds(5));
        this.connections = DataSourceBuilder.derivedFrom(dataSource).type(SimpleDriverDataSource.class).build();
        this.jobs = jobs;
        this.completions = completions;
        this.properties = properties;
    }

    @Override
    public void start() {
        if (properties.listen()) {
            super.start();
        }
    }

    @Override
    protected void loop() {
        OutageBackoff backoff = new OutageBackoff();
        while (going()) {
            try (Connection connection = connections.getConnection()) {
                subscribe(connection);
                backoff = new OutageBackoff();
                receive(connection);
            } catch (SQLException | RuntimeException e) {
                if (!going()) {
                    return;
                }
                log.warn("Listening for job ends failed ({}); reconnecting", e.getMessage());
                if (!backoff.pause(Long.MAX_VALUE)) {
                    return;
                }
            }
        }
    }

    private void subscribe(Connection connection) throws SQLException {
        try (Statement listen = connection.createStatement()) {
            listen.execute("LISTEN " + CHANNEL);
        }
        catchUp();
    }

    private void receive(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        int timeout = (int) properties.pollTimeout().toMillis();
        while (going()) {
            PGNotification[] notices = pg.getNotifications(timeout);
            if (notices != null) {
                for (PGNotification notice : notices) {
                    ended(notice.getParameter());
                }
            }
        }
    }

    /** Wakes the waiters of jobs that ended while no notice could reach this instance. */
    private void catchUp() {
        for (UUID id : completions.waitingJobs()) {
            if (jobs.find(id).map(j -> j.state().terminal()).orElse(false)) {
                completions.endedElsewhere(id);
            }
        }
    }

    private void ended(String payload) {
        try {
            completions.endedElsewhere(UUID.fromString(payload));
        } catch (IllegalArgumentException e) {
            log.warn("Ignored a {} notice that is no job id: {}", CHANNEL, payload);
        }
    }
}
