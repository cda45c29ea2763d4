package com.rediacc.e2e;

import com.rediacc.testsupport.Await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One packaged service run as a real JVM process, its log in target/e2e-logs. */
final class ServiceProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    final int port;

    private ServiceProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** How a service's process is made: a JVM on the packaged jar, or its container image ({@link ImageLauncher}). */
    interface Launcher {
        /** A process that runs {@code module} with {@code env} (its settings, HTTP port included), not yet started. */
        ProcessBuilder process(Path root, String module, String name, Map<String, String> env) throws IOException;
    }

    /** The packaged jar on this JVM's java, with -Xmx256m and the module's jvm.options. */
    static final Launcher JVM = (root, module, name, env) -> {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw package)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        command.addAll(moduleJvmOptions(root.resolve(module)));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return builder;
    };

    static ServiceProcess start(Launcher launcher, Path root, String module, String name, int port,
                                Map<String, String> env) throws IOException {
        Path logs = root.resolve("e2e-tests/target/e2e-logs");
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        Map<String, String> settings = new HashMap<>(env);
        settings.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        settings.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        ProcessBuilder builder = launcher.process(root, module, name, settings)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        return new ServiceProcess(name, builder.start(), log, port);
    }

    /** The module's own JVM flags (its jvm.options, as dev/stack uses them; docs/operations.md), or none. */
    static List<String> moduleJvmOptions(Path module) throws IOException {
        Path options = module.resolve("jvm.options");
        if (!Files.isRegularFile(options)) {
            return List.of();
        }
        return Files.readAllLines(options).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .flatMap(line -> Arrays.stream(line.split("\\s+")))
                .toList();
    }

    /**
     * Waits until this process listens on its port (its own log says so: a 200 alone could come
     * from another process on that port) and its readiness check answers 200.
     */
    void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build();
        String listening = "Listening on: http://127.0.0.1:" + port;
        Await.until(name + " ready", timeout, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (!logText().contains(listening)) {
                return false;
            }
            try {
                return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        }, this::logTail);
    }

    /** Waits until the service has logged a line containing {@code text}. */
    void awaitLogLine(String text, Duration timeout) {
        Await.until(name + " logs \"" + text + "\"", timeout, () -> logText().contains(text), this::logTail);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, as Kubernetes stops a pod; returns the exit status. */
    long stop(Duration timeout) throws InterruptedException {
        terminate();
        return awaitExit(timeout);
    }

    /** SIGTERM, without waiting for the exit. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit; returns its exit status. */
    long awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not exit within " + timeout + " of SIGTERM:\n" + logTail());
        }
        return process.exitValue();
    }

    /** SIGKILL: the process gets no chance to clean up, as in a node crash. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
