package io.neuropipe.pruner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/** Every strategy is a bean found by component scanning, under a distinct request name. */
class StrategyRegistryTest {

    @Test
    void componentScanFindsEveryStrategyUnderItsName() {
        try (var context = new AnnotationConfigApplicationContext("io.neuropipe.pruner.domain")) {
            Map<String, String> byName = context.getBeansOfType(PruningStrategy.class).values().stream()
                .collect(Collectors.toMap(PruningStrategy::name, s -> s.getClass().getSimpleName()));
            assertThat(byName).containsOnlyKeys("none", "random", "cls-topk", "mustdrop", "zipvl", "damro");
        }
    }
}
