package com.rediacc.web;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

import java.util.List;

/**
 * A task's trace context as it is stored and handed on: one W3C {@code traceparent} string
 * ("00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;"), or null when nothing is traced (docs/adr/0019).
 */
public final class TraceParents {
    private static final String TRACEPARENT = "traceparent";
    private static final TextMapGetter<String> ONE_HEADER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private TraceParents() {
    }

    /** The current span's traceparent; null when there is none (tracing off: every span is invalid). */
    public static String current() {
        return of(Span.current());
    }

    /** {@code span}'s traceparent; null for an invalid span (tracing off). */
    public static String of(Span of) {
        SpanContext span = of.getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** The context whose parent span {@code traceParent} names, under {@code base}; {@code base} itself for null or a malformed one. */
    public static Context context(Context base, String traceParent) {
        if (traceParent == null) {
            return base;
        }
        return W3CTraceContextPropagator.getInstance().extract(base, traceParent, ONE_HEADER);
    }

    /** The trace id of a stored traceparent, or null. */
    public static String traceId(String traceParent) {
        SpanContext span = Span.fromContext(context(Context.root(), traceParent)).getSpanContext();
        return span.isValid() ? span.getTraceId() : null;
    }
}
