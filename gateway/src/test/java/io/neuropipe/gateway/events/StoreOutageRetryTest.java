package io.neuropipe.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.neuropipe.gateway.config.StoreOutageProperties;
import io.neuropipe.gateway.job.StoreOutages;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

class StoreOutageRetryTest {

    private static final RuntimeException NO_CONNECTION =
        new CannotCreateTransactionException("Could not open JDBC Connection for transaction");

    @Test
    void retriesWhileTheStoreIsUnreachableThenHandlesTheRecord() {
        AtomicInteger attempts = new AtomicInteger();
        StoreOutageRetry retry = new StoreOutageRetry(new StoreOutageProperties(Duration.ofSeconds(1), Duration.ofSeconds(30)));

        retry.run(() -> {
            if (attempts.incrementAndGet() < 4) {
                throw NO_CONNECTION;
            }
        });

        assertThat(attempts).hasValue(4);
    }

    @Test
    void anyOtherFailureGoesOnAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        StoreOutageRetry retry = new StoreOutageRetry(new StoreOutageProperties(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        RuntimeException bug = new DataIntegrityViolationException("duplicate key");

        assertThatThrownBy(() -> retry.run(() -> {
            attempts.incrementAndGet();
            throw bug;
        })).isSameAs(bug);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void anOutageLongerThanTheWaitGoesOnToTheBindersRetriesAndDlq() {
        StoreOutageRetry retry = new StoreOutageRetry(new StoreOutageProperties(Duration.ofSeconds(1), Duration.ofMillis(300)));
        long start = System.nanoTime();

        assertThatThrownBy(() -> retry.run(() -> {
            throw NO_CONNECTION;
        })).isSameAs(NO_CONNECTION);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
    }

    @Test
    void anOutageIsALostOrRefusedConnectionNotABadStatement() {
        assertThat(StoreOutages.isOutage(NO_CONNECTION)).isTrue();
        assertThat(StoreOutages.isOutage(new DataAccessResourceFailureException("gone"))).isTrue();
        assertThat(StoreOutages.isOutage(new TransactionSystemException("commit failed",
            new SQLException("terminating connection due to unexpected postmaster exit", "57P01")))).isTrue();
        assertThat(StoreOutages.isOutage(new IllegalStateException("wrapped", new SQLException("connection refused", "08001"))))
            .isTrue();
        assertThat(StoreOutages.isOutage(new SQLException("the database system is starting up", "57P03"))).isTrue();
        assertThat(StoreOutages.isOutage(new DataIntegrityViolationException("duplicate key"))).isFalse();
        assertThat(StoreOutages.isOutage(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(StoreOutages.isOutage(new IllegalArgumentException("bad"))).isFalse();
    }

    @Test
    void settingsOutsideTheirRangeFailAtStartUp() {
        assertThatThrownBy(() -> new StoreOutageProperties(Duration.ZERO, Duration.ofMinutes(1)))
            .hasMessageContaining("neuropipe.gateway.store-outage.retry-after");
        assertThatThrownBy(() -> new StoreOutageProperties(Duration.ofSeconds(2), Duration.ofMinutes(5)))
            .hasMessageContaining("neuropipe.gateway.store-outage.consumer-wait");
        assertThat(new StoreOutageProperties(Duration.ofMillis(1500), Duration.ofMinutes(1)).retryAfterSeconds()).isEqualTo(2);
    }
}
