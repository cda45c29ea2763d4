package com.rediacc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The queue-service REST API as the benchmark uses it (java.net.http, HTTP/1.1 keep-alive). */
final class QueueApi {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String base;
    private final String host;
    private final int port;
    private final String authorization;
    final ObjectMapper json = new ObjectMapper();

    QueueApi(String baseUrl, String token) {
        URI uri = URI.create(baseUrl);
        String host = uri.getHost();
        if (!"127.0.0.1".equals(host) && !"localhost".equals(host) && !"::1".equals(host) && !"[::1]".equals(host)) {
            throw new IllegalArgumentException("the benchmark only talks to loopback addresses, not " + baseUrl);
        }
        this.base = baseUrl.replaceAll("/+$", "");
        this.host = host;
        this.port = uri.getPort() < 0 ? 80 : uri.getPort();
        this.authorization = "Bearer " + token;
    }

    record Reply(int status, String body) {
        JsonNode json(ObjectMapper mapper) {
            try {
                return mapper.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("unreadable JSON (HTTP " + status + "): " + abbreviate(body), e);
            }
        }
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    Reply post(String path, Object body) throws IOException, InterruptedException {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : json.writeValueAsString(body)))
                .build());
    }

    Reply patch(String path, Object body) throws IOException, InterruptedException {
        return send(request(path)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build());
    }

    Reply delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE().build());
    }

    /** GET of an absolute URL on loopback without the API token (health checks). */
    int probe(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).header("Authorization", authorization);
    }

    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    // ------------------------------------------------------------------ calls the phases use

    /** Registers a machine on the dev stack's sshd (201), or fails. */
    JsonNode registerMachine(String name, String team, int sshPort, String user, String hostKey, String credential,
                             int maxConcurrency) throws IOException, InterruptedException {
        return registerMachine(name, team, "127.0.0.1", sshPort, user, hostKey, credential, maxConcurrency);
    }

    /** As above on {@code host} (a loopback address). */
    JsonNode registerMachine(String name, String team, String host, int sshPort, String user, String hostKey, String credential,
                             int maxConcurrency) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("team", team);
        body.put("host", host);
        body.put("port", sshPort);
        body.put("user", user);
        body.put("hostKey", hostKey);
        body.put("credential", credential);
        body.put("maxConcurrency", maxConcurrency);
        Reply reply = post("/api/v1/machines", body);
        if (reply.status() != 201) {
            throw new IllegalStateException("registering machine " + name + " failed: HTTP " + reply.status() + ": "
                    + abbreviate(reply.body()));
        }
        return reply.json(json);
    }

    void pause(String machine) throws IOException, InterruptedException {
        Reply reply = post("/api/v1/machines/" + machine + "/pause", "");
        if (reply.status() != 200 || !reply.json(json).path("paused").asBoolean(false)) {
            throw new IllegalStateException("pausing " + machine + " failed: HTTP " + reply.status() + ": "
                    + abbreviate(reply.body()));
        }
    }

    /** Creates a cron (201), or fails. */
    void createCron(Map<String, Object> body) throws IOException, InterruptedException {
        Reply reply = post("/api/v1/crons", body);
        if (reply.status() != 201) {
            throw new IllegalStateException("creating cron " + body.get("name") + " failed: HTTP " + reply.status() + ": "
                    + abbreviate(reply.body()));
        }
    }

    /** Deletes a cron (204); one that does not exist (404) is gone already. */
    void deleteCron(String name) throws IOException, InterruptedException {
        Reply reply = delete("/api/v1/crons/" + name);
        if (reply.status() != 204 && reply.status() != 404) {
            throw new IllegalStateException("deleting cron " + name + " failed: HTTP " + reply.status() + ": "
                    + abbreviate(reply.body()));
        }
    }

    static String taskBody(String machine, String command, int priority) {
        // built by hand: the hot loop of the enqueue phase should cost the client as little as possible
        return "{\"machine\":\"" + machine + "\",\"command\":\"" + command.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"priority\":" + priority + "}";
    }

    /** POSTs one task; returns the reply (201 expected). */
    Reply createTask(String body) throws IOException, InterruptedException {
        return post("/api/v1/tasks", body);
    }

    /** The enqueue phase's load: {@code connections} POSTing {@code body} over {@code threads} threads. */
    HttpLoad createTaskLoad(String body, int connections, int threads, HttpLoad.Listener listener) throws IOException {
        return postLoad("/api/v1/tasks", body, connections, threads, "enqueue", listener);
    }

    /** {@code connections} POSTing {@code body} to {@code path} over {@code threads} threads (HttpLoad). */
    HttpLoad postLoad(String path, String body, int connections, int threads, String name, HttpLoad.Listener listener)
            throws IOException {
        byte[] request = HttpLoad.post(host, port, URI.create(base).getPath() + path, authorization, body);
        return new HttpLoad(new InetSocketAddress(host, port), request, connections, threads, name, listener);
    }

    JsonNode task(String taskId) throws IOException, InterruptedException {
        Reply reply = get("/api/v1/tasks/" + taskId);
        if (reply.status() != 200) {
            throw new IllegalStateException("GET task " + taskId + ": HTTP " + reply.status() + ": " + abbreviate(reply.body()));
        }
        return reply.json(json);
    }

    /** Every task of {@code machine} (newest first), paging through the list endpoint. */
    List<JsonNode> tasksOf(String machine, int max) throws IOException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 1000 && all.size() < max; page++) {
            String path = "/api/v1/tasks?limit=1000&machine=" + URLEncoder.encode(machine, StandardCharsets.UTF_8)
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            Reply reply = get(path);
            if (reply.status() != 200) {
                throw new IllegalStateException("listing tasks of " + machine + ": HTTP " + reply.status() + ": "
                        + abbreviate(reply.body()));
            }
            JsonNode node = reply.json(json);
            node.path("items").forEach(all::add);
            JsonNode next = node.path("nextCursor");
            if (next.isMissingNode() || next.isNull() || next.asText().isEmpty()) {
                break;
            }
            cursor = next.asText();
        }
        return all;
    }

    /** Cancels up to 1000 tasks per call; returns how many were cancelled. */
    int cancel(List<String> taskIds) throws IOException, InterruptedException {
        Reply reply = post("/api/v1/tasks/cancel", Map.of("taskIds", taskIds));
        if (reply.status() != 200) {
            throw new IllegalStateException("bulk cancel: HTTP " + reply.status() + ": " + abbreviate(reply.body()));
        }
        int cancelled = 0;
        for (JsonNode r : reply.json(json).path("results")) {
            if ("CANCELLED".equals(r.path("result").asText())) {
                cancelled++;
            }
        }
        return cancelled;
    }

    /** What one purge run did: the tasks cancelled, the calls it took, and whether nothing matches any more. */
    record Purged(long cancelled, int calls, boolean done) {
    }

    /**
     * Purges what matches {@code filter} (POST /api/v1/tasks/purge), calling again with the first
     * answer's upTo while it says more matches, until done or {@code deadline} (System.nanoTime).
     */
    Purged purge(Map<String, Object> filter, long deadline) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>(filter);
        long cancelled = 0;
        int calls = 0;
        while (true) {
            Reply reply = post("/api/v1/tasks/purge", body);
            calls++;
            if (reply.status() != 200) {
                throw new IllegalStateException("purge: HTTP " + reply.status() + ": " + abbreviate(reply.body()));
            }
            JsonNode answer = reply.json(json);
            cancelled += answer.path("cancelled").asLong();
            if (answer.path("done").asBoolean() || System.nanoTime() > deadline) {
                return new Purged(cancelled, calls, answer.path("done").asBoolean());
            }
            body.put("upTo", answer.path("upTo").asLong());
        }
    }

    static Instant instant(JsonNode task, String field) {
        JsonNode v = task.path(field);
        return v.isMissingNode() || v.isNull() ? null : Instant.parse(v.asText());
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
