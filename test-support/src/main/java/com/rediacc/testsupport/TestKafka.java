package com.rediacc.testsupport;

import com.rediacc.contract.events.Topics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A dedicated single-node Kafka (KRaft, broker and controller in one JVM) for a test that stops
 * Kafka: the shared broker of ./dev/stack is never touched. Runs the jars of the dev stack
 * (.dev/kafka/libs) with its settings (dev/kafka/broker.properties), on free loopback ports, its data
 * in a temp dir. It can be stopped (SIGTERM) or killed (SIGKILL) and started again on the same
 * ports and data.
 */
public final class TestKafka implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(120);
    private static final Duration ADMIN_LIMIT = Duration.ofSeconds(120);

    public final int port;
    public final int controllerPort;
    private final Path root;
    private final Path dir;
    private final Path config;
    private final Path log;
    private Process process;

    private TestKafka(Path root, Path dir, int port, int controllerPort, Path log) {
        this.root = root;
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.config = dir.resolve("server.properties");
        this.log = log;
    }

    /** Formats a fresh data dir, starts the broker, creates the project's topics; logs to {@code logDir}/{@code name}-kafka.log. */
    public static TestKafka start(Path logDir, String name) throws Exception {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + "-kafka.log");
        Files.deleteIfExists(log);
        TestKafka kafka = new TestKafka(RepoRoot.path(), TempDirs.create("rediacc-test-kafka-"), Ports.free(), Ports.free(), log);
        try {
            kafka.writeConfig();
            kafka.format();
            kafka.start();
            // One admin tool JVM per topic, side by side: each takes seconds to start.
            try (ExecutorService creators = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> created = new ArrayList<>();
                for (Topics.Topic topic : Topics.ALL) {
                    created.add(creators.submit(() -> {
                        kafka.createTopic(topic.name(), topic.partitions());
                        return null;
                    }));
                }
                for (Future<?> topic : created) {
                    topic.get();
                }
            }
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Starts the broker (again) on the same ports and data dir; returns once it accepts connections. */
    public synchronized void start() throws Exception {
        if (alive()) {
            throw new IllegalStateException("Kafka is already running");
        }
        process = new ProcessBuilder(List.of(java(), "-Xmx256m", "-Xms256m", "-XX:+UseSerialGC",
                "-Djava.awt.headless=true", "--enable-native-access=ALL-UNNAMED",
                "-Dlog4j2.configurationFile=" + log4j(), "-cp", libs(), "kafka.Kafka", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Ports.awaitListening("Kafka", process, port, START_LIMIT, this::logTail);
    }

    /** SIGTERM, as an orderly broker shutdown; waits for the process to end. */
    public synchronized void stop() throws Exception {
        if (alive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        awaitClosed();
    }

    /** SIGKILL, as a broker crash; waits for the process to end. */
    public synchronized void killHard() throws Exception {
        if (alive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        awaitClosed();
    }

    /** Creates a topic (idempotent), retrying while the broker is not ready to answer admin requests. */
    public void createTopic(String topic, int partitions) {
        topics("--create", "--if-not-exists", "--topic", topic, "--partitions", Integer.toString(partitions),
                "--replication-factor", "1");
    }

    /** Waits until the broker answers admin requests (lists topics). */
    public void awaitAdmin() {
        topics("--list");
    }

    public boolean listening() {
        return Ports.listening(port);
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Runs kafka-topics with {@code args} until it succeeds; fails at once if the broker exits. */
    private void topics(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + log4j(), "-cp", libs(), "org.apache.kafka.tools.TopicCommand",
                "--bootstrap-server", bootstrap()));
        command.addAll(List.of(args));
        Await.until("kafka-topics " + String.join(" ", args), ADMIN_LIMIT, () -> {
            if (!alive()) {
                throw new IllegalStateException("Kafka exited:\n" + logTail());
            }
            Process tool = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!tool.waitFor(60, TimeUnit.SECONDS)) {
                tool.destroyForcibly();
                return false;
            }
            return tool.exitValue() == 0;
        }, this::logTail);
    }

    /** The broker's settings: dev/kafka/broker.properties, as dev/lib/kafka.sh renders it too, with this broker's ports and data. */
    private void writeConfig() throws IOException {
        String settings = Files.readString(root.resolve("dev/kafka/broker.properties"))
                .replace("@PORT@", Integer.toString(port))
                .replace("@CONTROLLER_PORT@", Integer.toString(controllerPort))
                .replace("@DATA_DIR@", dir.resolve("data").toString());
        Files.writeString(config, settings);
    }

    private void format() throws Exception {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        // A first byte below 0x80 makes the first character a letter: StorageTool reads an id that starts with "-" as an option.
        id[0] &= 0x7f;
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Process format = new ProcessBuilder(List.of(java(), "-Xmx256m", "-Dlog4j2.configurationFile=" + log4j(),
                "-cp", libs(), "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("kafka StorageTool format failed:\n" + logTail());
        }
    }

    private void awaitClosed() {
        Await.until("nothing listens on " + bootstrap() + " after Kafka stopped", Duration.ofSeconds(30),
                () -> !listening(), this::logTail);
    }

    private Path log4j() {
        return root.resolve("dev/kafka/log4j2.xml");
    }

    /** The jars that dev/stack fetched into its .dev dir (REDIACC_DEV_DIR of .dev/stack.env, else this checkout's). */
    private String libs() {
        String devDir = System.getenv("REDIACC_DEV_DIR");
        Path libs = (devDir == null || devDir.isBlank() ? root.resolve(".dev") : Path.of(devDir)).resolve("kafka/libs");
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException(libs + " is missing: run ./dev/stack up --infra-only once");
        }
        return libs + "/*";
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Kills the broker and deletes its data. */
    @Override
    public synchronized void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        TempDirs.delete(dir);
    }
}
