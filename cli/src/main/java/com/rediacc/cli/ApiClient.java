package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The queue-service REST API (base /api/v1) over java.net.http, with bearer token auth. A read (GET)
 * that finds the server unreachable or answered 503 (something it needs is down) is tried again, up
 * to {@link #ATTEMPTS} times, after the server's {@code Retry-After} or a doubling backoff, each wait
 * at most {@link #MAX_WAIT}. Nothing else is ever repeated: a change may have taken effect before its
 * answer was lost.
 */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int ATTEMPTS = 4;
    static final Duration FIRST_WAIT = Duration.ofMillis(500);
    static final Duration MAX_WAIT = Duration.ofSeconds(10);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String baseUrl;
    private final String token;
    private final HttpClient http;
    /** Where a retried read is said so (stderr); null says nothing. */
    private final PrintStream notes;

    ApiClient(String baseUrl, String token) {
        this(baseUrl, token, null);
    }

    ApiClient(String baseUrl, String token, PrintStream notes) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        this.notes = notes;
    }

    String baseUrl() {
        return baseUrl;
    }

    /** A JSON answer with its HTTP status (some calls tell things apart by 200/201/202). */
    record Reply(int status, JsonNode body) {
    }

    JsonNode get(String path, Map<String, ?> query) {
        return send("GET", path + query(query), null).body();
    }

    JsonNode get(String path) {
        return get(path, Map.of());
    }

    Reply post(String path, Object body) {
        return send("POST", path, body);
    }

    Reply put(String path, Object body) {
        return send("PUT", path, body);
    }

    Reply patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    String getText(String path) {
        HttpRequest request = request(path).header("Accept", "text/plain, application/problem+json").GET().build();
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        check(response, "GET " + path);
        return response.body();
    }

    Reply send(String method, String path, Object body) {
        HttpRequest.Builder builder = request(path).header("Accept", "application/json, application/problem+json");
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            try {
                builder.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        HttpResponse<String> response = exchange(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        check(response, method + " " + path);
        String text = response.body();
        try {
            return new Reply(response.statusCode(), text == null || text.isBlank() ? NullNode.getInstance() : JSON.readTree(text));
        } catch (IOException e) {
            throw new CliException("the server answered " + method + " " + path + " with something that is not JSON: "
                    + text.substring(0, Math.min(200, text.length())));
        }
    }

    /** One server-sent event. */
    record SseEvent(String event, String data) {
    }

    /**
     * Reads a server-sent event stream until it ends or {@code handler} returns false. Returns
     * true when the handler stopped it, false when the server ended the stream.
     */
    boolean stream(String path, Predicate<SseEvent> handler) {
        HttpRequest request = request(path).timeout(Duration.ofDays(365))
                .header("Accept", "text/event-stream, application/problem+json").GET().build();
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() >= 400) {
            try (InputStream body = response.body()) {
                String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                throw ApiException.of(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                        text, "GET " + path);
            } catch (IOException e) {
                throw new CliException("reading " + path + ": " + e.getMessage());
            }
        }
        try (InputStream body = response.body();
             BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null && !handler.test(new SseEvent(event == null ? "message" : event, data.toString()))) {
                        return true;
                    }
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    continue; // comment / keep-alive
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    if (field.equals("event")) {
                        event = value;
                    } else if (field.equals("data")) {
                        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    }
                }
            }
            if (data != null) {
                handler.test(new SseEvent(event == null ? "message" : event, data.toString()));
            }
            return false;
        } catch (IOException e) {
            throw new CliException("the stream " + path + " broke: " + e.getMessage());
        }
    }

    private HttpRequest.Builder request(String path) {
        URI uri;
        try {
            uri = URI.create(baseUrl + "/api/v1" + path);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid server URL '" + baseUrl + "': " + e.getMessage(),
                    "use a URL like http://127.0.0.1:8080", CliException.USAGE);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new CliException("invalid server URL '" + baseUrl + "'", "use a URL like http://127.0.0.1:8080", CliException.USAGE);
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("User-Agent", "rediacc-cli/" + Rediacc.version());
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        boolean read = request.method().equals("GET");
        for (int attempt = 1; ; attempt++) {
            boolean last = !read || attempt == ATTEMPTS;
            Duration wait;
            String why;
            try {
                HttpResponse<T> response = exchangeOnce(request, handler);
                if (response.statusCode() != 503 || last) {
                    return response;
                }
                wait = retryAfter(response).orElse(backoff(attempt));
                why = unavailable(response);
            } catch (CliException e) {
                if (e.exitCode != CliException.UNAVAILABLE || last) {
                    throw e;
                }
                wait = backoff(attempt);
                why = e.getMessage();
            }
            wait = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
            if (notes != null) {
                notes.printf("note: %s; trying GET %s again in %.1f s (%d of %d)%n", why, request.uri().getPath(),
                        wait.toMillis() / 1000.0, attempt + 1, ATTEMPTS);
            }
            pause(wait);
        }
    }

    static Duration backoff(int attempt) {
        return FIRST_WAIT.multipliedBy(1L << (attempt - 1));
    }

    /** {@code Retry-After} in seconds (the form this server sends); an HTTP date is not read. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip()))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** What the 503 says is down (its problem's detail); its body is consumed. */
    private static String unavailable(HttpResponse<?> response) {
        String body = "";
        try {
            if (response.body() instanceof String text) {
                body = text;
            } else if (response.body() instanceof InputStream stream) {
                try (stream) {
                    body = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            // the detail is only for the note
        }
        return ApiException.of(503, response.headers().firstValue("Content-Type").orElse(null), body, "")
                .render().lines().findFirst().orElse("HTTP 503");
    }

    private static void pause(Duration wait) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private <T> HttpResponse<T> exchangeOnce(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("connection timed out");
        } catch (HttpTimeoutException e) {
            throw new CliException("the server at " + baseUrl + " did not answer " + request.method() + " "
                    + request.uri().getPath() + " in time");
        } catch (ConnectException e) {
            throw unreachable(e.getMessage() == null || e.getMessage().isBlank() ? "connection refused" : e.getMessage());
        } catch (UnresolvedAddressException e) {
            throw unreachable("unknown host");
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException) {
                throw unreachable(cause instanceof UnresolvedAddressException ? "unknown host" : "connection refused");
            }
            throw new CliException("talking to " + baseUrl + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private CliException unreachable(String why) {
        return new CliException("cannot reach the rediacc server at " + baseUrl + " (" + why + ")",
                "is it running? set the URL with --url, REDIACC_URL or: rediacc login --url URL", CliException.UNAVAILABLE);
    }

    private static void check(HttpResponse<String> response, String request) {
        if (response.statusCode() >= 400) {
            throw ApiException.of(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                    response.body(), request);
        }
    }

    /** Query parameters in order; null values are left out. */
    static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return params;
    }

    static String query(Map<String, ?> params) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, ?> entry : new LinkedHashMap<>(params).entrySet()) {
            if (entry.getValue() == null) {
                continue;
            }
            query.append(query.isEmpty() ? '?' : '&').append(encode(entry.getKey())).append('=')
                    .append(encode(entry.getValue().toString()));
        }
        return query.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
