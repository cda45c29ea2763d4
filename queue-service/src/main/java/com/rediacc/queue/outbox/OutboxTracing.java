package com.rediacc.queue.outbox;

import com.rediacc.web.TraceParents;
import com.rediacc.web.TracingSwitch;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.charset.StandardCharsets;

/**
 * The relay's publish spans. A message stored with a trace context is sent in a PRODUCER span that
 * is a child of that context, not of the relay's own thread (one pass sends the messages of many
 * calls), and its record carries the span's W3C context in its headers ({@code traceparent},
 * {@code tracestate}), so that its consumer joins the task's trace. The relay's producers are plain
 * Kafka producers (ADR 9), which no instrumentation covers. A message without a context is sent as
 * it is (tracing off: always).
 */
@Singleton
public class OutboxTracing {
    private static final TextMapSetter<Headers> HEADERS = (headers, key, value) ->
            headers.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8));

    /** A publish under way: ended when Kafka acknowledged (or refused) the record. */
    @FunctionalInterface
    public interface Publish {
        Publish UNTRACED = failure -> {
        };

        void end(Exception failure);
    }

    @Inject
    OpenTelemetry openTelemetry;

    private Tracer tracer;

    @PostConstruct
    void init() {
        tracer = TracingSwitch.inUse(openTelemetry, ConfigProvider.getConfig()).getTracer("rediacc.outbox");
    }

    /** Starts the publish span of {@code record} under {@code traceParent} and puts its context in the record's headers. */
    public Publish publish(String traceParent, ProducerRecord<String, String> record) {
        if (traceParent == null) {
            return Publish.UNTRACED;
        }
        Span span = tracer.spanBuilder(record.topic() + " publish")
                .setParent(TraceParents.context(Context.root(), traceParent))
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "send")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.kafka.message.key", record.key())
                .startSpan();
        openTelemetry.getPropagators().getTextMapPropagator().inject(Context.root().with(span), record.headers(), HEADERS);
        return failure -> {
            if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, "Kafka did not take the record");
            }
            span.end();
        };
    }
}
