package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the queue-service on a loopback port: answers "METHOD /path" (path under /api/v1,
 * with its query) with the JSON it was given, 404 otherwise, and keeps every request it got.
 */
final class FakeApi implements AutoCloseable {
    record Request(String method, String path, JsonNode body) {
    }

    private record Answer(int status, String json) {
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final HttpServer server;

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1", exchange -> {
            String path = exchange.getRequestURI().getRawPath().substring("/api/v1".length())
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            byte[] sent = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), path, sent.length == 0 ? null : ApiClient.JSON.readTree(sent)));
            Answer answer = answers.getOrDefault(exchange.getRequestMethod() + " " + path,
                    new Answer(404, "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no fake answer for " + path + "\"}"));
            byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.status() >= 400 ? "application/problem+json" : "application/json");
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    FakeApi answer(String methodAndPath, int status, String json) {
        answers.put(methodAndPath, new Answer(status, json));
        return this;
    }

    /** The one request sent with {@code method}; fails when there was none or more than one. */
    Request only(String method) {
        List<Request> matching = requests.stream().filter(r -> r.method().equals(method)).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one " + method + " request, got " + requests);
        }
        return matching.getFirst();
    }

    /** The CLI run against this server (table output, not a terminal). */
    CliRun run(Path config, String... args) {
        return CliRun.run(Map.of("REDIACC_URL", "http://127.0.0.1:" + server.getAddress().getPort(), "REDIACC_TOKEN", "t"),
                config, false, args);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
