package io.neuropipe.runtime.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.proto.v1.ErrorCode;
import io.neuropipe.proto.v1.RouteNode;
import io.neuropipe.proto.v1.StepEnvelope;
import io.neuropipe.proto.v1.Tensor;
import io.neuropipe.runtime.blob.BlobUnavailableException;
import io.neuropipe.runtime.blob.ClaimCheck;
import io.neuropipe.runtime.blob.GatewaySchema;
import io.neuropipe.runtime.blob.PostgresBlobStore;
import io.neuropipe.runtime.cancel.CancellationToken;
import io.neuropipe.runtime.config.BlobProperties;
import io.neuropipe.runtime.embedded.SharedInfrastructure;
import io.neuropipe.runtime.tensor.Tensors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A step waits out an unreachable blob store instead of failing its job: a real PostgreSQL database
 * that stops accepting connections ({@code ALLOW_CONNECTIONS false}, its sessions terminated) and
 * comes back while the step retries.
 */
class BlobOutageWaitTest {

    private static final String DATABASE = "blob_outage";
    private static final RouteNode NODE = RouteNode.newBuilder().setId("s").setStep("s").build();
    private static final float[] VALUES = ramp(64 * 1024);
    private static ClaimCheck claimCheck;
    private static JdbcTemplate admin;

    @BeforeAll
    static void store() {
        claimCheck = new ClaimCheck(new PostgresBlobStore(GatewaySchema.dataSource(GatewaySchema.create(DATABASE))), 1024);
        admin = new JdbcTemplate(GatewaySchema.dataSource(SharedInfrastructure.postgres().jdbcUrl("postgres")));
    }

    @AfterEach
    void storeBack() {
        setReachable(true);
    }

    @Test
    void aClaimCheckedInputIsReadOnceTheStoreIsBack() {
        Artifact ref = offload(UUID.randomUUID().toString());
        StepInput input = input(ref, 0, CancellationToken.NONE);
        BlobOutageWait wait = new BlobOutageWait(Duration.ofSeconds(30));
        setReachable(false);
        CompletableFuture<Void> back = CompletableFuture.runAsync(() -> setReachable(true),
            CompletableFuture.delayedExecutor(700, TimeUnit.MILLISECONDS));
        AtomicInteger attempts = new AtomicInteger();

        long start = System.nanoTime();
        Tensor x = wait.call(() -> {
            attempts.incrementAndGet();
            return input.requireTensor("x");
        }, 0, CancellationToken.NONE);

        back.join();
        assertThat(Tensors.toFloats(x)).containsExactly(VALUES);
        assertThat(attempts.get()).isGreaterThan(1);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(600));
    }

    @Test
    void aLargeOutputIsStoredOnceTheStoreIsBack() {
        String job = UUID.randomUUID().toString();
        BlobOutageWait wait = new BlobOutageWait(Duration.ofSeconds(30));
        setReachable(false);
        CompletableFuture.runAsync(() -> setReachable(true), CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));

        Artifact stored = wait.call(() -> offload(job), 0, CancellationToken.NONE);

        assertThat(stored.hasBlob()).isTrue();
        assertThat(Tensors.toFloats(claimCheck.inline(stored).getTensor())).containsExactly(VALUES);
    }

    @Test
    void theDeadlineWinsOverWaiting() {
        Artifact ref = offload(UUID.randomUUID().toString());
        setReachable(false);
        long deadline = System.currentTimeMillis() + 800;
        StepInput input = input(ref, deadline, CancellationToken.NONE);

        assertThatThrownBy(() -> new BlobOutageWait(Duration.ofSeconds(30))
                .call(() -> input.requireTensor("x"), deadline, CancellationToken.NONE))
            .isInstanceOf(DeadlineExceededException.class)
            .satisfies(e -> assertThat(((StepException) e).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        assertThat(System.currentTimeMillis()).isBetween(deadline, deadline + 1000);
    }

    @Test
    void aCancelledJobStopsWaiting() {
        Artifact ref = offload(UUID.randomUUID().toString());
        setReachable(false);
        CancellationToken cancelled = () -> true;

        assertThatThrownBy(() -> new BlobOutageWait(Duration.ofSeconds(30))
                .call(() -> input(ref, 0, cancelled).requireTensor("x"), 0, cancelled))
            .isInstanceOf(JobCancelledException.class);
    }

    @Test
    void anOutageLongerThanTheWaitFailsAsTransientAndLaterRecordsFailFastUntilTheStoreIsBack() {
        Artifact ref = offload(UUID.randomUUID().toString());
        BlobOutageWait wait = new BlobOutageWait(Duration.ofMillis(600));
        setReachable(false);

        long start = System.nanoTime();
        assertThatThrownBy(() -> wait.call(() -> input(ref, 0, CancellationToken.NONE).requireTensor("x"), 0,
                CancellationToken.NONE))
            .isInstanceOf(TransientStepException.class).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class)
            .satisfies(e -> assertThat(e.getCause()).isInstanceOf(BlobUnavailableException.class));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(600));

        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> wait.call(() -> {
            attempts.incrementAndGet();
            return offload(UUID.randomUUID().toString());
        }, 0, CancellationToken.NONE)).isInstanceOf(TransientStepException.class);
        assertThat(attempts.get()).as("the outage's wait already ran out").isEqualTo(1);

        setReachable(true);
        assertThat(Tensors.shape(wait.call(() -> input(ref, 0, CancellationToken.NONE).requireTensor("x"), 0,
            CancellationToken.NONE))).containsExactly(256L, 256L);
        setReachable(false);
        CompletableFuture.runAsync(() -> setReachable(true), CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
        assertThat(wait.call(() -> offload(UUID.randomUUID().toString()), 0, CancellationToken.NONE).hasBlob())
            .as("a new outage is waited out again").isTrue();
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        Artifact missing = Artifact.newBuilder().setName("x")
            .setBlob(claimCheck.store().refOf(ClaimCheck.TENSOR, new byte[] {1, 2, 3})).build();

        assertThatThrownBy(() -> new BlobOutageWait(Duration.ofSeconds(30)).call(() -> {
            attempts.incrementAndGet();
            return input(missing, 0, CancellationToken.NONE).requireTensor("x");
        }, 0, CancellationToken.NONE)).isInstanceOf(InvalidInputException.class);
        assertThat(attempts.get()).isEqualTo(1);
    }

    @Test
    void outageWaitIsValidated() {
        ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Props.class);
        runner.run(context -> assertThat(context.getBean(BlobProperties.class).outageWait()).isEqualTo(Duration.ofMinutes(2)));
        runner.withPropertyValues("neuropipe.blobs.outage-wait=5m").run(context -> assertThat(context).hasFailed()
            .getFailure().rootCause().hasMessageContaining("neuropipe.blobs.outage-wait must be between 0 and 4m"));
        runner.withPropertyValues("neuropipe.blobs.outage-wait=-1s").run(context -> assertThat(context).hasFailed());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(BlobProperties.class)
    static class Props {
    }

    private static Artifact offload(String job) {
        return claimCheck.offload(job, Artifact.newBuilder().setName("x").setTensor(Tensors.ofFloats(VALUES, 256, 256)).build());
    }

    private static StepInput input(Artifact x, long deadlineEpochMs, CancellationToken token) {
        StepEnvelope envelope = StepEnvelope.newBuilder().setJobId("j").setRoute(NODE).setCurrentStepId("s")
            .setDeadlineEpochMs(deadlineEpochMs).putArtifacts("x", x).build();
        return new StepInput(envelope, NODE, PartialOutputSink.NONE, new StageTimings(), claimCheck, token);
    }

    /** Opens or closes the database to new connections; closing also ends its open sessions. */
    private static void setReachable(boolean reachable) {
        admin.execute("ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS " + reachable);
        if (!reachable) {
            admin.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + DATABASE + "'");
        }
    }

    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.25f;
        }
        return x;
    }
}
