package io.neuropipe.runtime.step.dataplane;

import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.neuropipe.proto.v1.Artifact;
import io.neuropipe.runtime.step.StepHandler;
import io.neuropipe.runtime.step.StepInput;
import io.neuropipe.runtime.step.StepOutput;
import io.neuropipe.runtime.step.StepRunner;
import io.neuropipe.runtime.tensor.Tensors;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/**
 * Two steps for the data-plane test: {@code bulk} multiplies its tensor {@code x} by 2 into a
 * tensor {@code doubled} of {@code x}'s size (large inputs make large outputs); {@code slow}
 * iterates {@code iterations} times (5 ms each), emitting one partial per iteration and polling
 * the job's cancellation like a sampling loop does.
 */
@SpringBootApplication
public class DataPlaneStepApplication {

    @Bean
    StepHandler bulkStep() {
        return new StepHandler() {
            @Override
            public String step() {
                return "bulk";
            }

            @Override
            public StepOutput handle(StepInput input) {
                float[] x = Tensors.toFloats(input.requireTensor("x"));
                for (int i = 0; i < x.length; i++) {
                    x[i] *= 2;
                }
                return new StepOutput(List.of(Artifact.newBuilder().setName("doubled").setTensor(Tensors.ofFloats(x, x.length))
                    .build()), Map.of("bulk.elements", Integer.toString(x.length)));
            }
        };
    }

    /** Iterations the slow step has emitted, per job (read by the test when the cancellation registers). */
    static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> SLOW_EMITTED =
        new java.util.concurrent.ConcurrentHashMap<>();

    @Bean
    StepHandler slowStep() {
        return new StepHandler() {
            @Override
            public String step() {
                return "slow";
            }

            @Override
            public StepOutput handle(StepInput input) {
                int iterations = input.params().integer("iterations", 10, 1, 100_000);
                var emitted = SLOW_EMITTED.computeIfAbsent(input.jobId(), j -> new java.util.concurrent.atomic.AtomicInteger());
                for (int i = 0; i < iterations; i++) {
                    input.cancellation().throwIfCancelled();
                    input.partials().emit("log", i, "iteration " + i);
                    emitted.incrementAndGet();
                    LockSupport.parkNanos(5_000_000);
                }
                return new StepOutput(List.of(Artifact.newBuilder().setName("log").setText("done").build()), Map.of());
            }
        };
    }

    @Bean
    Consumer<Message<byte[]>> bulk(StepRunner runner, StepHandler bulkStep) {
        return runner.consumer(bulkStep);
    }

    @Bean
    Consumer<Message<byte[]>> slow(StepRunner runner, StepHandler slowStep) {
        return runner.consumer(slowStep);
    }
}
