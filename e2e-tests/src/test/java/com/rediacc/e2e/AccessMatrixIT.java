package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint of the public API, called by every kind of caller, against the real queue- and
 * vault-service: the status each must get, exactly one audit record for each mutating call, and
 * the live event stream showing a caller their own teams' events only.
 */
class AccessMatrixIT {
    /** The columns of the matrix, in this order in every expectation string. */
    enum Kind { NONE, BAD_TOKEN, VIEWER, OPERATOR, ADMIN, OTHER_TEAM_ADMIN, GLOBAL_ADMIN }

    private static final String TEAM = "alpha";
    private static final String OTHER = "beta";
    private static final String SECRET_MARKER = "matrix-secret-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static E2eStack stack;
    private static final Map<Kind, String> tokens = new EnumMap<>(Kind.class);
    private static final Map<Kind, String> userNames = new EnumMap<>(Kind.class);
    private static String taskId;

    @BeforeAll
    static void start() throws Exception {
        stack = new E2eStack("matrix").startCore(Map.of("REDIACC_EVENTS_KEEP_ALIVE", "1s"));
        stack.createTeam(TEAM);
        stack.createTeam(OTHER);
        tokens.put(Kind.BAD_TOKEN, "rdc_not-a-token");
        tokens.put(Kind.GLOBAL_ADMIN, stack.adminToken);
        member(Kind.VIEWER, TEAM, "VIEWER");
        member(Kind.OPERATOR, TEAM, "OPERATOR");
        member(Kind.ADMIN, TEAM, "ADMIN");
        member(Kind.OTHER_TEAM_ADMIN, OTHER, "ADMIN");
        machine("alpha-01", TEAM);
        machine("beta-01", OTHER);
        stack.post("/api/v1/machines/alpha-01/pause", Map.of());
        stack.post("/api/v1/machines/beta-01/pause", Map.of());
        taskId = newTask("alpha-01");
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private record Call(String method, String path, Object body) {
    }

    /** One endpoint: how to make a call (fresh resources for calls that consume them), and the statuses. */
    private record Row(String name, Supplier<Call> call, String expected) {
    }

    private static List<Row> rows() {
        String none = "{}";
        return List.of(
                // columns:                                                  NONE BAD VIEW OPER ADMN OTHR GLOB
                row("create task", () -> post("/api/v1/tasks", Map.of("machine", "alpha-01", "command", "true")),
                        "401 401 403 201 201 404 201"),
                row("list tasks of the team", () -> get("/api/v1/tasks?team=" + TEAM), "401 401 200 200 200 404 200"),
                row("list tasks", () -> get("/api/v1/tasks"), "401 401 200 200 200 200 200"),
                row("get task", () -> get("/api/v1/tasks/" + taskId), "401 401 200 200 200 404 200"),
                row("task history", () -> get("/api/v1/tasks/" + taskId + "/history"), "401 401 200 200 200 404 200"),
                row("task output", () -> get("/api/v1/tasks/" + taskId + "/output"), "401 401 200 200 200 404 200"),
                row("follow task output", () -> get("/api/v1/tasks/" + taskId + "/output?follow=true"),
                        "401 401 200 200 200 404 200"),
                row("cancel task", () -> post("/api/v1/tasks/" + quietly(() -> newTask("alpha-01")) + "/cancel", Map.of()),
                        "401 401 403 200 200 404 200"),
                row("cancel tasks", () -> post("/api/v1/tasks/cancel", Map.of("taskIds", List.of(taskId))),
                        "401 401 200 200 200 200 200"),
                row("purge tasks of a machine (dry run)", () -> post("/api/v1/tasks/purge",
                        Map.of("machine", "alpha-01", "dryRun", true)), "401 401 403 200 200 404 200"),
                row("retry task", () -> post("/api/v1/tasks/" + quietly(AccessMatrixIT::cancelledTask) + "/retry", Map.of()),
                        "401 401 403 201 201 404 201"),
                row("queue stats of the team", () -> get("/api/v1/queue/stats?team=" + TEAM), "401 401 200 200 200 404 200"),
                row("queue stats", () -> get("/api/v1/queue/stats"), "401 401 200 200 200 200 200"),
                row("register machine", () -> post("/api/v1/machines", machineBody("m-" + suffix(), TEAM)),
                        "401 401 403 403 201 404 201"),
                row("list machines of the team", () -> get("/api/v1/machines?team=" + TEAM), "401 401 200 200 200 404 200"),
                row("list machines", () -> get("/api/v1/machines"), "401 401 200 200 200 200 200"),
                row("get machine", () -> get("/api/v1/machines/alpha-01"), "401 401 200 200 200 404 200"),
                row("update machine", () -> new Call("PATCH", "/api/v1/machines/alpha-01", Map.of("maxConcurrency", 2)),
                        "401 401 403 403 200 404 200"),
                row("delete machine", () -> new Call("DELETE", "/api/v1/machines/" + quietly(() -> machine("m-" + suffix(), TEAM)), null),
                        "401 401 403 403 204 404 204"),
                row("pause machine", () -> post("/api/v1/machines/alpha-01/pause", Map.of()), "401 401 403 403 200 404 200"),
                row("resume machine", () -> post("/api/v1/machines/alpha-01/resume", Map.of()), "401 401 403 403 200 404 200"),
                // No bridge runs in this stack: a caller allowed to check is answered 503 (no live bridge serves it).
                row("check machine", () -> post("/api/v1/machines/alpha-01/check", Map.of()), "401 401 403 503 503 404 503"),
                row("list bridges", () -> get("/api/v1/bridges"), "401 401 200 200 200 200 200"),
                row("put vault entry", () -> new Call("PUT", "/api/v1/teams/" + TEAM + "/vault/matrix",
                        Map.of("value", Map.of("token", SECRET_MARKER))), "401 401 403 403 201 404 201"),
                row("list vault", () -> get("/api/v1/teams/" + TEAM + "/vault"), "401 401 200 200 200 404 200"),
                row("rotate vault key", () -> post("/api/v1/teams/" + TEAM + "/vault/rotate", Map.of()),
                        "401 401 403 403 200 404 200"),
                row("create user", () -> post("/api/v1/users", Map.of("name", "u-" + suffix())), "401 401 403 403 403 403 201"),
                row("list users", () -> get("/api/v1/users"), "401 401 403 403 403 403 200"),
                row("who am I", () -> get("/api/v1/users/me"), "401 401 200 200 200 200 200"),
                row("create team", () -> post("/api/v1/teams", Map.of("name", "t-" + suffix())), "401 401 403 403 403 403 201"),
                row("list teams", () -> get("/api/v1/teams"), "401 401 200 200 200 200 200"),
                row("get team", () -> get("/api/v1/teams/" + TEAM), "401 401 200 200 200 404 200"),
                row("list members", () -> get("/api/v1/teams/" + TEAM + "/members"), "401 401 200 200 200 404 200"),
                row("add member", () -> post("/api/v1/teams/" + TEAM + "/members",
                        Map.of("user", quietly(AccessMatrixIT::newUser), "role", "VIEWER")), "401 401 403 403 201 404 201"),
                row("change member role", () -> new Call("PATCH", "/api/v1/teams/" + TEAM + "/members/" + quietly(() -> newMember(TEAM)),
                        Map.of("role", "OPERATOR")), "401 401 403 403 200 404 200"),
                row("remove member", () -> new Call("DELETE", "/api/v1/teams/" + TEAM + "/members/" + quietly(() -> newMember(TEAM)), null),
                        "401 401 403 403 204 404 204"),
                row("audit of the team", () -> get("/api/v1/audit?team=" + TEAM), "401 401 403 403 200 404 200"),
                row("audit", () -> get("/api/v1/audit"), "401 401 403 403 200 200 200"),
                row("vault audit of the team", () -> get("/api/v1/audit/vault?team=" + TEAM), "401 401 403 403 200 404 200"),
                row("event stream of the team", () -> get("/api/v1/events?team=" + TEAM), "401 401 200 200 200 404 200"),
                row("event stream", () -> get("/api/v1/events"), "401 401 200 200 200 200 200"));
    }

    @Test
    void everyEndpointAnswersEveryCallerAsItsRoleAllowsAndAuditsEveryMutatingCall() throws Exception {
        List<String> mismatches = new ArrayList<>();
        Map<String, String> mutatingCalls = new HashMap<>();
        List<String> readCalls = new ArrayList<>();
        int calls = 0;
        for (Row row : rows()) {
            String[] expected = row.expected().trim().split("\\s+");
            assertThat(expected).as(row.name()).hasSize(Kind.values().length);
            for (Kind kind : Kind.values()) {
                Call call = row.call().get();
                String requestId = "matrix-" + UUID.randomUUID();
                int status = send(kind, call, requestId);
                calls++;
                int want = Integer.parseInt(expected[kind.ordinal()]);
                if (status != want) {
                    mismatches.add(row.name() + " as " + kind + ": " + call.method() + " " + call.path() + " -> " + status
                            + ", expected " + want);
                }
                if (call.method().equals("GET")) {
                    readCalls.add(requestId);
                } else {
                    mutatingCalls.put(requestId, row.name() + " as " + kind);
                }
            }
        }
        assertThat(mismatches).as("calls that got another status than their role allows").isEmpty();
        assertThat(calls).isEqualTo(rows().size() * Kind.values().length);

        Map<String, List<JsonNode>> audit = auditByRequestId();
        for (Map.Entry<String, String> call : mutatingCalls.entrySet()) {
            assertThat(audit.getOrDefault(call.getKey(), List.of())).as("audit records of " + call.getValue()).hasSize(1);
        }
        for (String read : readCalls) {
            assertThat(audit).as("reads are not audited").doesNotContainKey(read);
        }
        String everything = E2eStack.JSON.writeValueAsString(audit);
        assertThat(everything).doesNotContain(SECRET_MARKER);
        for (String token : tokens.values()) {
            assertThat(everything).doesNotContain(token);
        }
        try (var db = stack.queueDb(); var rows = db.createStatement().executeQuery("SELECT audit_log::text FROM audit_log")) {
            while (rows.next()) {
                assertThat(rows.getString(1)).doesNotContain(SECRET_MARKER);
            }
        }
    }

    @Test
    void theEventStreamShowsACallerTheEventsOfTheirTeamsOnly() throws Exception {
        List<String> viewerSaw = new CopyOnWriteArrayList<>();
        List<String> otherSaw = new CopyOnWriteArrayList<>();
        try (InputStream viewerStream = stack.openEventStream("/api/v1/events", tokens.get(Kind.VIEWER), viewerSaw);
             InputStream otherStream = stack.openEventStream("/api/v1/events", tokens.get(Kind.OTHER_TEAM_ADMIN), otherSaw)) {
            stack.awaitLive(viewerSaw, () -> newTask("alpha-01"));
            stack.awaitLive(otherSaw, () -> newTask("beta-01"));
            String alphaTask = newTask("alpha-01");
            String betaTask = newTask("beta-01");
            Await.until("each stream shows its team's new task", Duration.ofSeconds(60),
                    () -> viewerSaw.stream().anyMatch(line -> line.contains(alphaTask))
                            && otherSaw.stream().anyMatch(line -> line.contains(betaTask)));
            assertThat(viewerSaw).anyMatch(line -> line.contains(alphaTask) && line.contains("rediacc.task.pending"));
            assertThat(otherSaw).anyMatch(line -> line.contains(betaTask));
            assertThat(viewerSaw).noneMatch(line -> line.contains(betaTask));
            assertThat(otherSaw).noneMatch(line -> line.contains(alphaTask));
        }
    }

    private static int send(Kind kind, Call call, String requestId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.queueUrl() + call.path()))
                .timeout(Duration.ofSeconds(30)).header("X-Request-Id", requestId);
        if (kind != Kind.NONE) {
            request.header("Authorization", "Bearer " + tokens.get(kind));
        }
        HttpRequest.BodyPublisher body = call.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(E2eStack.JSON.writeValueAsString(call.body()));
        request.header("Content-Type", "application/json").method(call.method(), body);
        if (call.path().startsWith("/api/v1/events") || call.path().contains("follow=true")) {
            HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            return response.statusCode();
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Map<String, List<JsonNode>> auditByRequestId() throws Exception {
        Map<String, List<JsonNode>> byRequest = new HashMap<>();
        String cursor = "";
        do {
            JsonNode page = stack.get("/api/v1/audit?limit=1000&cursor=" + cursor);
            page.path("items").forEach(record ->
                    byRequest.computeIfAbsent(record.path("requestId").asText(), id -> new ArrayList<>()).add(record));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
        } while (cursor != null);
        return byRequest;
    }

    private static Row row(String name, Supplier<Call> call, String expected) {
        return new Row(name, call, expected);
    }

    private static Call get(String path) {
        return new Call("GET", path, null);
    }

    private static Call post(String path, Object body) {
        return new Call("POST", path, body);
    }

    private static void member(Kind kind, String team, String role) throws Exception {
        String name = newUser();
        userNames.put(kind, name);
        HttpResponse<String> added = stack.post("/api/v1/teams/" + team + "/members", Map.of("user", name, "role", role));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        tokens.put(kind, lastToken);
    }

    private static String lastToken;

    private static String newUser() throws Exception {
        String name = "u-" + suffix();
        HttpResponse<String> created = stack.post("/api/v1/users", Map.of("name", name));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        lastToken = E2eStack.JSON.readTree(created.body()).path("token").asText();
        return name;
    }

    private static String newMember(String team) throws Exception {
        String name = newUser();
        assertThat(stack.post("/api/v1/teams/" + team + "/members", Map.of("user", name, "role", "VIEWER")).statusCode())
                .isEqualTo(201);
        return name;
    }

    private static String machine(String name, String team) throws Exception {
        HttpResponse<String> created = stack.post("/api/v1/machines", machineBody(name, team));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return name;
    }

    private static Map<String, Object> machineBody(String name, String team) {
        return Map.of("name", name, "team", team, "host", "127.0.0.1", "port", 22, "user", "root",
                "hostKey", E2eStack.env("DEMO_SSH_HOST_KEY"), "credential", "demo-01-key");
    }

    private static String newTask(String machine) throws Exception {
        return stack.createTask(Map.of("machine", machine, "command", "true")).path("taskId").asText();
    }

    private static String cancelledTask() throws Exception {
        String id = newTask("alpha-01");
        assertThat(stack.post("/api/v1/tasks/" + id + "/cancel", Map.of()).statusCode()).isEqualTo(200);
        return id;
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private interface Failing<T> {
        T get() throws Exception;
    }

    private static <T> T quietly(Failing<T> step) {
        try {
            return step.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
