package com.rediacc.bridge.dispatch;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The consumer span of a wake-up that carries a trace context in its headers (the one written with a
 * task, docs/events.md): a child of the outbox's publish span, so the bridge's consumption is in the
 * task's trace. The consumer is a plain KafkaConsumer (ADR 22), which nothing instruments. A wake-up
 * without one (the sweeper's, or tracing off) makes no span.
 */
final class DispatchTracing {
    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            List<String> keys = new ArrayList<>();
            headers.forEach(header -> keys.add(header.key()));
            return keys;
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;

    DispatchTracing(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer("rediacc.bridge.dispatch");
    }

    /** Runs {@code handling} of {@code record} in its consumer span, if the record is traced. */
    void consume(ConsumerRecord<String, String> record, Runnable handling) {
        if (record.headers().lastHeader("traceparent") == null) {
            handling.run();
            return;
        }
        Context sent = openTelemetry.getPropagators().getTextMapPropagator().extract(Context.root(), record.headers(), HEADERS);
        Span span = tracer.spanBuilder(record.topic() + " process").setParent(sent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.kafka.message.key", record.key())
                .setAttribute("messaging.kafka.offset", record.offset())
                .startSpan();
        try (var ignored = span.makeCurrent()) {
            handling.run();
        } finally {
            span.end();
        }
    }
}
