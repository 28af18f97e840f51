package io.neuropipe.generator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.neuropipe.generator.domain.FullUnetSchedule;
import io.neuropipe.generator.domain.PaperKeyStepSchedule;
import io.neuropipe.generator.domain.PropagationSchedules;
import io.neuropipe.generator.domain.UniformSchedule;
import io.neuropipe.generator.engine.BatchingUnetRunner;
import io.neuropipe.generator.engine.DdimSampler;
import io.neuropipe.generator.engine.DirectUnetRunner;
import io.neuropipe.generator.engine.UnetEngine;
import io.neuropipe.generator.engine.UnetRunner;
import io.neuropipe.generator.step.GenerateStep;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** Wiring without models: the runner follows {@code neuropipe.generator.batching.enabled}, schedules register by name, keys bind. */
class GeneratorConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(GeneratorProperties.class)
    static class Props {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
        .withUserConfiguration(Props.class, GeneratorConfiguration.class, FullUnetSchedule.class, PaperKeyStepSchedule.class,
            UniformSchedule.class, PropagationSchedules.class, GenerateStep.class)
        .withBean(UnetEngine.class, () -> mock(UnetEngine.class))
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void batchesAcrossRequestsByDefaultAndRegistersEverySchedule() {
        context.withPropertyValues("neuropipe.generator.batching.max-delay=5ms", "neuropipe.generator.default-propagation=keysteps")
            .run(ctx -> {
                assertThat(ctx).hasNotFailed();
                assertThat(ctx.getBean(UnetRunner.class)).isInstanceOf(BatchingUnetRunner.class);
                assertThat(ctx).hasSingleBean(DdimSampler.class).hasSingleBean(GenerateStep.class);
                GeneratorProperties props = ctx.getBean(GeneratorProperties.class);
                assertThat(props.batching().maxDelay()).isEqualTo(Duration.ofMillis(5));
                assertThat(props.batching().maxBatchSize()).isEqualTo(8);
                assertThat(props.defaultPropagation()).isEqualTo("keysteps");
                PropagationSchedules schedules = ctx.getBean(PropagationSchedules.class);
                assertThat(schedules.get("off")).isInstanceOf(FullUnetSchedule.class);
                assertThat(schedules.get("keysteps")).isInstanceOf(PaperKeyStepSchedule.class);
                assertThat(schedules.get("uniform")).isInstanceOf(UniformSchedule.class);
            });
    }

    @Test
    void runsEachRequestOnItsOwnWhenBatchingIsOff() {
        context.withPropertyValues("neuropipe.generator.batching.enabled=false")
            .run(ctx -> assertThat(ctx.getBean(UnetRunner.class)).isInstanceOf(DirectUnetRunner.class));
    }

    @Test
    void anOutOfRangeKeyFailsStartUpNamingIt() {
        context.withPropertyValues("neuropipe.generator.batching.max-batch-size=0")
            .run(ctx -> assertThat(ctx).hasFailed().getFailure().hasStackTraceContaining("maxBatchSize"));
    }
}
