package io.neuropipe.generator.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import io.neuropipe.runtime.batch.DynamicBatcher;
import io.neuropipe.runtime.step.StepException;
import io.neuropipe.runtime.step.TransientStepException;

/**
 * Batches concurrent requests' UNet calls of the same kind: encoder calls together, decoder calls
 * together (each row keeps its own timestep and condition, so requests at different steps share
 * a call).
 */
public final class BatchingUnetRunner implements UnetRunner, AutoCloseable {

    private final UnetEngine engine;
    private final DynamicBatcher<EncoderCall, Features> encoder;
    private final DynamicBatcher<DecoderCall, float[]> decoder;

    public BatchingUnetRunner(UnetEngine engine, int maxBatchSize, Duration maxDelay, int queueCapacity, MeterRegistry registry) {
        this.engine = engine;
        this.encoder = new DynamicBatcher<>("unet-encoder", maxBatchSize, maxDelay, queueCapacity, engine::encode, registry);
        this.decoder = new DynamicBatcher<>("unet-decoder", maxBatchSize, maxDelay, queueCapacity, engine::decode, registry);
    }

    @Override
    public UnetSpec spec() {
        return engine.spec();
    }

    @Override
    public Features encode(EncoderCall call) {
        return await(encoder.submit(call), "UNet encoder");
    }

    @Override
    public float[] decode(DecoderCall call) {
        return await(decoder.submit(call), "UNet decoder");
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StepException se) {
                throw se;
            }
            if (e.getCause() instanceof RejectedExecutionException) {
                throw new TransientStepException(what + " is overloaded: " + e.getCause().getMessage(), e.getCause());
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientStepException("Interrupted while waiting for the " + what, e);
        } catch (TimeoutException e) {
            throw new TransientStepException(what + " did not answer in 60 s", e);
        }
    }

    @Override
    public void close() {
        encoder.close();
        decoder.close();
    }
}
