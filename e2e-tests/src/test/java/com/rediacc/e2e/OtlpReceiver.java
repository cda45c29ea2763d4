package com.rediacc.e2e;

import com.rediacc.testsupport.Ports;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A collector of the services' spans: an OTLP/HTTP endpoint ({@code /v1/traces}, protobuf) on a free
 * loopback port that keeps every span it is sent, as the services exported it.
 */
final class OtlpReceiver implements AutoCloseable {
    /** A span as a service exported it: ids in hex (parent empty for a root), its kind as OTLP names it. */
    record Span(String service, String traceId, String spanId, String parentSpanId, String name, String kind,
                Map<String, String> attributes) {
    }

    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    /** Exports it could not read, for the diagnostics of a test that waits for spans. */
    final List<String> failures = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", Ports.free()), 0);
        server.createContext("/v1/traces", exchange -> {
            int status = 200;
            try (InputStream body = exchange.getRequestBody()) {
                receive(ExportTraceServiceRequest.parseFrom(body));
            } catch (RuntimeException | IOException | LinkageError unreadable) {
                failures.add(unreadable.toString());
                status = 400;
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    /** The endpoint to give the services (QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, protocol http/protobuf). */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Span> spans() {
        return List.copyOf(spans);
    }

    List<Span> trace(String traceId) {
        return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
    }

    private void receive(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            String service = attributes(resourceSpans.getResource()).get("service.name");
            for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
                    spans.add(new Span(service, hex.formatHex(span.getTraceId().toByteArray()),
                            hex.formatHex(span.getSpanId().toByteArray()), hex.formatHex(span.getParentSpanId().toByteArray()),
                            span.getName(), span.getKind().name(), attributes(span.getAttributesList())));
                }
            }
        }
    }

    private static Map<String, String> attributes(Resource resource) {
        return attributes(resource.getAttributesList());
    }

    private static Map<String, String> attributes(List<KeyValue> values) {
        Map<String, String> attributes = new HashMap<>();
        for (KeyValue value : values) {
            AnyValue v = value.getValue();
            attributes.put(value.getKey(), switch (v.getValueCase()) {
                case INT_VALUE -> String.valueOf(v.getIntValue());
                case BOOL_VALUE -> String.valueOf(v.getBoolValue());
                case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
                default -> v.getStringValue();
            });
        }
        return attributes;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
