package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.Ports;
import com.rediacc.testsupport.RepoRoot;
import com.rediacc.testsupport.TempDirs;
import com.rediacc.testsupport.TestPostgres;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The services of one end-to-end test class as real processes: one queue-service, one
 * vault-service and any number of bridges, on their own fresh databases, against the PostgreSQL,
 * Kafka and sshd that ./dev/test provides (PG_*, KAFKA_BOOTSTRAP_SERVERS, SSH_PORT, DEMO_SSH_*).
 * The databases on the shared PostgreSQL commit with synchronous_commit=off (test data; the
 * cluster is left as it is); a test that crashes PostgreSQL brings a {@link TestPostgres} of its
 * own, whose databases keep its durable settings.
 */
final class E2eStack implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "CANCELLED");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** How long a service may take to start (and get ready) on a busy machine. */
    private static final Duration SERVICE_START = Duration.ofSeconds(180);

    final Path root = RepoRoot.path();
    final String adminToken = "e2e-admin-" + UUID.randomUUID();
    final String bridgeToken = "e2e-bridge-" + UUID.randomUUID();
    final String vaultQueueToken = "e2e-vault-queue-" + UUID.randomUUID();
    final String vaultBridgeToken = "e2e-vault-bridge-" + UUID.randomUUID();
    /** Bridges of this stack share this consumer group; no other stack's bridge is in it. */
    final String bridgeGroup = "rediacc-bridges-e2e-" + UUID.randomUUID();
    final Path credentials;
    private final String name;
    private final List<ServiceProcess> services = new ArrayList<>();
    private ServiceProcess queue;
    private Map<String, String> queueEnv;
    private ServiceProcess vault;
    private Map<String, String> vaultEnv;
    private String kafkaBootstrap = env("KAFKA_BOOTSTRAP_SERVERS");
    private ServiceProcess.Launcher launcher = ServiceProcess.JVM;
    private TestPostgres postgres;
    private int pgPort = Integer.parseInt(env("PG_PORT"));
    private String pgUser = env("PG_USER");
    private String pgPassword = env("PG_PASSWORD");

    E2eStack(String name) throws IOException {
        this.name = name;
        credentials = TempDirs.create("rediacc-e2e-secrets-");
    }

    /** Runs the services from their container images ({@link ImageLauncher}) instead of the packaged jars. */
    E2eStack fromImages() throws Exception {
        launcher = ImageLauncher.create(root, List.of(credentials));
        return this;
    }

    /** Use another broker than the shared one (for tests that stop Kafka). */
    E2eStack kafka(String bootstrap) {
        this.kafkaBootstrap = bootstrap;
        return this;
    }

    /** Use a PostgreSQL cluster of the test's own instead of the shared one (for tests that crash it). */
    E2eStack postgres(TestPostgres cluster) throws IOException {
        this.postgres = cluster;
        this.pgPort = cluster.port;
        this.pgUser = cluster.user();
        this.pgPassword = cluster.password();
        return this;
    }

    /** The queue-service's database of this stack (for checks across many tasks at once). */
    String queueDatabase() {
        return "rediacc_e2e_" + name + "_queue";
    }

    /** A new JDBC connection to {@link #queueDatabase()}; the caller closes it. */
    Connection queueDb() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/" + queueDatabase(), pgUser, pgPassword);
    }

    /** The queue-service process (its log, say). */
    ServiceProcess queue() {
        return queue;
    }

    ServiceProcess vault() {
        return vault;
    }

    String vaultUrl() {
        return "http://127.0.0.1:" + vault.port;
    }

    String queueUrl() {
        return "http://127.0.0.1:" + queue.port;
    }

    /**
     * Starts queue-service and vault-service on fresh databases, and waits until both are ready. If
     * that fails halfway, what it started is stopped before the failure is thrown: the caller never got
     * the stack to close, and a service left running would hold its port and database for the next test.
     */
    E2eStack startCore(Map<String, String> queueSettings) throws Exception {
        try {
            startCoreServices(queueSettings);
            return this;
        } catch (Exception | Error failure) {
            try {
                close();
            } catch (Exception closing) {
                failure.addSuppressed(closing);
            }
            throw failure;
        }
    }

    private void startCoreServices(Map<String, String> queueSettings) throws Exception {
        String queueDb = queueDatabase();
        String vaultDb = "rediacc_e2e_" + name + "_vault";
        recreateDatabase(queueDb);
        recreateDatabase(vaultDb);
        String pg = "127.0.0.1:" + pgPort;
        Map<String, String> vaultEnv = new HashMap<>(database());
        vaultEnv.putAll(Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + pg + "/" + vaultDb,
                "REDIACC_VAULT_ROOT_KEY_FILE", credentials.resolve("vault-root-key.json").toString(),
                "REDIACC_VAULT_GENERATE_ROOT_KEY", "true",
                "REDIACC_VAULT_AUTH_QUEUE_TOKEN", vaultQueueToken,
                "REDIACC_VAULT_AUTH_BRIDGE_TOKEN", vaultBridgeToken));
        this.vaultEnv = Map.copyOf(vaultEnv);
        vault = start("vault-service", vaultEnv);
        Map<String, String> queueEnv = new HashMap<>(database());
        queueEnv.putAll(Map.of(
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + pg + "/" + queueDb,
                "QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + pg + "/" + queueDb,
                "KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap,
                "REDIACC_AUTH_BOOTSTRAP_TOKEN", adminToken,
                "REDIACC_AUTH_BRIDGE_TOKEN", bridgeToken,
                "QUARKUS_REST_CLIENT_VAULT_URL", vaultUrl(),
                "REDIACC_VAULT_QUEUE_TOKEN", vaultQueueToken));
        queueEnv.putAll(queueSettings);
        this.queueEnv = Map.copyOf(queueEnv);
        queue = start("queue-service", queueEnv);
        vault.awaitReady(SERVICE_START);
        queue.awaitReady(SERVICE_START);
        createTeam("default");
        storeSecret("default", "demo-01-key", Map.of("privateKey", Files.readString(Path.of(env("DEMO_SSH_KEY_FILE")))));
    }

    /**
     * Starts another queue-service on this stack's database (a replica; its log is named
     * {@code instance}) and waits until it is ready. The stack's own calls keep going to the first.
     */
    ServiceProcess startQueueReplica(String instance) throws Exception {
        ServiceProcess replica = start("queue-service", queueEnv, instance);
        replica.awaitReady(SERVICE_START);
        return replica;
    }

    /** Starts the first queue-service again after it stopped (on a new port), and waits until it is ready. */
    ServiceProcess restartQueue(String instance) throws Exception {
        queue = start("queue-service", queueEnv, instance);
        queue.awaitReady(SERVICE_START);
        return queue;
    }

    /** Stops vault-service (SIGTERM) and waits until it exited: decrypts fail with a connection error meanwhile. */
    void stopVault() throws InterruptedException {
        vault.stop(SERVICE_START);
    }

    /** Starts vault-service again on its port and database (log {@code instance}), and waits until it is ready. */
    void restartVault(String instance) throws Exception {
        vault = start("vault-service", vaultEnv, instance, vault.port);
        vault.awaitReady(SERVICE_START);
    }

    /** Starts a bridge named {@code id} and waits until it is ready. */
    ServiceProcess startBridge(String id, Map<String, String> settings) throws Exception {
        return startBridge(id, id, settings);
    }

    /**
     * Starts a bridge with identity {@code id} whose log is named {@code instance}: a bridge
     * restarted after a crash keeps its id, and its new log does not overwrite the old one.
     */
    ServiceProcess startBridge(String id, String instance, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap,
                "KAFKA_GROUP_ID", bridgeGroup,
                "REDIACC_QUEUE_URL", queueUrl(),
                "REDIACC_AUTH_BRIDGE_TOKEN", bridgeToken,
                "REDIACC_BRIDGE_ID", id,
                "REDIACC_VAULT_URL", vaultUrl(),
                "REDIACC_VAULT_BRIDGE_TOKEN", vaultBridgeToken));
        env.putAll(settings);
        ServiceProcess bridge = start("bridge-service", env, instance);
        bridge.awaitReady(SERVICE_START);
        return bridge;
    }

    void createTeam(String team) throws Exception {
        List<Integer> answers = new ArrayList<>();
        HttpResponse<String> response = served("creating team " + team, answers, () -> post("/api/v1/teams", Map.of("name", team)));
        // 409 after a 503: the refused attempt was stored after all (its answer came at the call's deadline).
        if (response.statusCode() != 201 && !(response.statusCode() == 409 && answers.contains(503))) {
            throw new IllegalStateException("creating team " + team + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Stores a new version of a team vault entry (e.g. an SSH private key). */
    void storeSecret(String team, String name, Map<String, Object> value) throws Exception {
        HttpResponse<String> response = served("storing " + team + "/" + name, new ArrayList<>(),
                () -> put("/api/v1/teams/" + team + "/vault/" + name, Map.of("value", value)));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("storing " + team + "/" + name + ": " + response.statusCode() + " " + response.body());
        }
    }

    /**
     * {@code call}'s first answer other than 503, as a client honouring 503 would have it: a freshly
     * started stack on a busy machine may not answer its first calls within their deadline.
     */
    private HttpResponse<String> served(String what, List<Integer> answers, Callable<HttpResponse<String>> call) {
        return Await.until(what + " (repeated while answered 503)", SERVICE_START, () -> {
            HttpResponse<String> response = call.call();
            answers.add(response.statusCode());
            return response;
        }, response -> response.statusCode() != 503, this::logs);
    }

    /** Registers a machine on the demo sshd (or another one) logging in with the demo key (team vault entry demo-01-key). */
    void registerMachine(String machine, int port, String user, String hostKey, int maxConcurrency) throws Exception {
        registerMachine(machine, "127.0.0.1", port, user, hostKey, maxConcurrency);
    }

    /** As above, on {@code host} (a machine in a network namespace, say). */
    void registerMachine(String machine, String host, int port, String user, String hostKey, int maxConcurrency)
            throws Exception {
        HttpResponse<String> response = post("/api/v1/machines", Map.of(
                "name", machine, "team", "default", "host", host, "port", port,
                "user", user, "hostKey", hostKey, "credential", "demo-01-key",
                "maxConcurrency", maxConcurrency));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("registering " + machine + ": " + response.statusCode() + " " + response.body());
        }
    }

    void registerDemoMachine(String machine, int maxConcurrency) throws Exception {
        registerMachine(machine, Integer.parseInt(env("SSH_PORT")), env("DEMO_SSH_USER"), env("DEMO_SSH_HOST_KEY"), maxConcurrency);
    }

    JsonNode createTask(Map<String, Object> body) throws Exception {
        HttpResponse<String> response = post("/api/v1/tasks", body);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("create task: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    JsonNode task(String taskId) throws Exception {
        return get("/api/v1/tasks/" + taskId);
    }

    JsonNode awaitStatus(String taskId, Set<String> statuses, Duration timeout) {
        return Await.until("task " + taskId + " in " + statuses, timeout, () -> task(taskId),
                task -> statuses.contains(task.path("status").asText()), this::logs);
    }

    JsonNode awaitTerminal(String taskId) {
        return awaitStatus(taskId, TERMINAL, Duration.ofSeconds(120));
    }

    /** The task's history entries, oldest first (from, to, at, actor, detail). */
    List<JsonNode> history(String taskId) throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        get("/api/v1/tasks/" + taskId + "/history").path("items").forEach(entries::add);
        return entries;
    }

    List<String> transitions(String taskId) throws Exception {
        List<String> to = new ArrayList<>();
        get("/api/v1/tasks/" + taskId + "/history").path("items").forEach(entry -> to.add(entry.path("to").asText()));
        return to;
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    HttpResponse<String> post(String path, Object body) throws Exception {
        return HTTP.send(request(path).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String path, Object body) throws Exception {
        return HTTP.send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(queueUrl() + path)).header("Authorization", "Bearer " + adminToken);
    }

    /**
     * Opens {@code path} (an event stream) with {@code token} and adds its lines to {@code lines}, on a
     * thread of its own, until the returned body is closed.
     */
    InputStream openEventStream(String path, String token, List<String> lines) throws Exception {
        return openEventStream(URI.create(queueUrl() + path), "Authorization", "Bearer " + token, lines);
    }

    /**
     * An event stream opened with one credential header ({@code Authorization}, or a console
     * session's {@code Cookie}); its lines are added to {@code lines} as they come until the returned
     * body is closed.
     */
    static InputStream openEventStream(URI url, String header, String value, List<String> lines) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(url)
                .header(header, value).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url.getPath() + ": " + response.statusCode());
        }
        InputStream body = response.body();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception closed) {
                // the test closed the stream
            }
        });
        reader.setDaemon(true);
        reader.start();
        return body;
    }

    /**
     * Creates a task with {@code newTask} every second until {@code lines}, read from an event stream,
     * show one of them: from then on the stream shows what happens (it starts at "now", and the queue
     * starts reading Kafka for its streams only when the first one opens).
     */
    void awaitLive(List<String> lines, Callable<String> newTask) {
        List<String> probes = new CopyOnWriteArrayList<>();
        AtomicReference<Instant> lastProbe = new AtomicReference<>(Instant.EPOCH);
        Await.until("an event stream shows a task created after it opened", Duration.ofSeconds(120), () -> {
            if (lastProbe.get().isBefore(Instant.now().minusSeconds(1))) {
                probes.add(newTask.call());
                lastProbe.set(Instant.now());
            }
            return lines.stream().anyMatch(line -> probes.stream().anyMatch(line::contains));
        }, this::logs);
    }

    /** Runs a shell command on the demo machine's host (it is this host) and returns its stdout. */
    static String sh(String command) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return out;
    }

    /** Everything the services of this stack logged so far. */
    String allLogs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (ServiceProcess service : services) {
            all.append(service.logText()).append('\n');
        }
        return all.toString();
    }

    String logs() {
        StringBuilder all = new StringBuilder();
        for (ServiceProcess service : services) {
            all.append("--- ").append(service.name()).append(" ---\n").append(service.logTail()).append('\n');
        }
        return all.toString();
    }

    private ServiceProcess start(String module, Map<String, String> env) throws IOException {
        return start(module, env, module);
    }

    private ServiceProcess start(String module, Map<String, String> env, String name) throws IOException {
        return start(module, env, name, Ports.free());
    }

    private ServiceProcess start(String module, Map<String, String> env, String name, int port) throws IOException {
        ServiceProcess service = ServiceProcess.start(launcher, root, module, this.name + "-" + name, port, env);
        services.add(service);
        return service;
    }

    private Map<String, String> database() {
        return Map.of("QUARKUS_DATASOURCE_USERNAME", pgUser, "QUARKUS_DATASOURCE_PASSWORD", pgPassword);
    }

    private void recreateDatabase(String database) throws Exception {
        if (postgres != null) {
            postgres.recreateDatabase(database);
            return;
        }
        String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
        try (Connection connection = DriverManager.getConnection(url, pgUser, pgPassword);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + database);
            statement.execute("ALTER DATABASE " + database + " SET synchronous_commit = off");
        }
    }

    static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set: run the tests with ./dev/test");
        }
        return value;
    }

    @Override
    public void close() throws Exception {
        for (ServiceProcess service : services.reversed()) {
            service.close();
        }
    }
}
