package io.neuropipe.runtime.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceContextTest {

    @Test
    void childKeepsTheTraceAndGetsANewSpan() {
        TraceContext parent = TraceContext.parseOrNew("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        TraceContext child = parent.child();
        assertThat(child.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(child.spanId()).hasSize(16).isNotEqualTo("00f067aa0ba902b7");
        assertThat(child.traceparent()).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01");
    }

    @Test
    void malformedOrInvalidHeadersStartANewTrace() {
        assertThat(TraceContext.parseOrNew("garbage").traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(TraceContext.parseOrNew("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01").traceId()).isNotEqualTo("0".repeat(32));
        assertThat(TraceContext.parseOrNew(null).traceId()).hasSize(32);
    }
}
