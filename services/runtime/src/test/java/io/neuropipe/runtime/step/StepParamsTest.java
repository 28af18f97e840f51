package io.neuropipe.runtime.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.neuropipe.proto.v1.RouteNode;
import org.junit.jupiter.api.Test;

class StepParamsTest {

    @Test
    void nodeParametersOverrideJobParameters() {
        StepParams p = StepParams.of(Map.of("steps", "50", "seed", "1"), Map.of("steps", "20"));
        assertThat(p.integer("steps", 10, 1, 1000)).isEqualTo(20);
        assertThat(p.integer("seed", 0, 0, Integer.MAX_VALUE)).isEqualTo(1);
        assertThat(p.number("guidance", 3.0, 0, 20)).isEqualTo(3.0);
    }

    @Test
    void malformedOrOutOfRangeValuesNameTheParameter() {
        StepParams p = StepParams.of(Map.of("steps", "many", "temperature", "-1", "top_p", "NaN"), Map.of());
        assertThatThrownBy(() -> p.integer("steps", 10, 1, 100)).isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("steps='many' is not an integer");
        assertThatThrownBy(() -> p.number("temperature", 1, 0, 5)).hasMessageContaining("temperature=-1 is outside");
        assertThatThrownBy(() -> p.number("top_p", 1, 0, 1)).hasMessageContaining("top_p=NaN is outside");
    }

    @Test
    void routesFindNodesAndLeaves() {
        RouteNode route = RouteNode.newBuilder().setId("encode").setStep("encode")
            .addNext(RouteNode.newBuilder().setId("generate").setStep("generate"))
            .addNext(RouteNode.newBuilder().setId("caption").setStep("decode")).build();
        assertThat(Routes.find(route, "caption")).map(RouteNode::getStep).contains("decode");
        assertThat(Routes.find(route, "nope")).isEmpty();
        assertThat(Routes.leafIds(route)).containsExactly("generate", "caption");
    }
}
