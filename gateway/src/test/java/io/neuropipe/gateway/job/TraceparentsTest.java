package io.neuropipe.gateway.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceparentsTest {

    @Test
    void aNewTraceIsSampledAndWellFormed() {
        String a = Traceparents.childOf(null);
        String b = Traceparents.childOf("garbage");
        assertThat(a).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(b).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(a.substring(3, 35)).isNotEqualTo(b.substring(3, 35));
    }

    @Test
    void aValidParentKeepsItsTraceIdAndFlagsWithANewSpan() {
        String child = Traceparents.childOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
        assertThat(child).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-").endsWith("-00");
        assertThat(child).doesNotContain("00f067aa0ba902b7").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
    }

    @Test
    void anAllZeroTraceIdIsInvalidAndReplaced() {
        String child = Traceparents.childOf("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
        assertThat(child).doesNotStartWith("00-00000000000000000000000000000000");
    }

    @Test
    void requestIdsMapToStableJobIdsPerTenant() {
        assertThat(JobIds.forRequest("lab", "r1")).isEqualTo(JobIds.forRequest("lab", "r1"));
        assertThat(JobIds.forRequest("lab", "r1")).isNotEqualTo(JobIds.forRequest("other", "r1"));
    }
}
