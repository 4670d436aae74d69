package io.migobs.otel.internal;

import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;

/**
 * Puts a span context in the SLF4J MDC under the keys OpenTelemetry's logging instrumentation uses, and restores
 * what was there. Not API.
 */
final class TraceMdc {
    static final String TRACE_ID = "trace_id";
    static final String SPAN_ID = "span_id";
    static final String TRACE_FLAGS = "trace_flags";

    private TraceMdc() {
    }

    /** @return the previous values, to hand to {@link #restore} */
    static String[] put(SpanContext context) {
        String[] previous = {MDC.get(TRACE_ID), MDC.get(SPAN_ID), MDC.get(TRACE_FLAGS)};
        MDC.put(TRACE_ID, context.getTraceId());
        MDC.put(SPAN_ID, context.getSpanId());
        MDC.put(TRACE_FLAGS, context.getTraceFlags().asHex());
        return previous;
    }

    static void restore(String[] previous) {
        restore(TRACE_ID, previous[0]);
        restore(SPAN_ID, previous[1]);
        restore(TRACE_FLAGS, previous[2]);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
