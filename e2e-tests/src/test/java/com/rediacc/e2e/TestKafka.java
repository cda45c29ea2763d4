package com.rediacc.e2e;

import com.rediacc.testsupport.Ports;
import com.rediacc.testsupport.TempDirs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A dedicated single-node Kafka (KRaft, broker and controller in one JVM) for a test that stops
 * Kafka: the shared broker of ./dev/stack is never touched. Runs the jars of .dev/kafka/libs with
 * the settings of dev/lib/kafka.sh, on free loopback ports, its data in a temp dir. It can be
 * stopped (SIGTERM) or killed (SIGKILL) and started again on the same ports and data.
 */
final class TestKafka implements AutoCloseable {
    /** The project's topics and their partitions (dev/lib/kafka.sh REDIACC_KAFKA_TOPICS). */
    static final Map<String, Integer> TOPICS = Map.of(
            "rediacc.task.dispatch", 6, "rediacc.task.events", 6, "rediacc.alerts", 1);

    final int port;
    final int controllerPort;
    private final Path root;
    private final Path dir;
    private final Path config;
    private final Path log4j;
    private final Path log;
    private Process process;

    private TestKafka(Path root, Path dir, int port, int controllerPort, Path log) {
        this.root = root;
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.config = dir.resolve("server.properties");
        this.log4j = dir.resolve("log4j2.xml");
        this.log = log;
    }

    /** Formats a fresh data dir, starts the broker, creates the project's topics. */
    static TestKafka start(Path root, String name) throws Exception {
        Path dir = TempDirs.create("rediacc-e2e-kafka-");
        Path logs = root.resolve("e2e-tests/target/e2e-logs");
        Files.createDirectories(logs);
        Path log = logs.resolve(name + "-kafka.log");
        Files.deleteIfExists(log);
        TestKafka kafka = new TestKafka(root, dir, Ports.free(), Ports.free(), log);
        try {
            kafka.writeConfig();
            kafka.format();
            kafka.start();
            // One admin tool JVM per topic, side by side: each takes seconds to start.
            try (ExecutorService creators = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> created = new ArrayList<>();
                for (Map.Entry<String, Integer> topic : TOPICS.entrySet()) {
                    created.add(creators.submit(() -> {
                        kafka.createTopic(topic.getKey(), topic.getValue());
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

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** Starts the broker (again) on the same ports and data dir; returns once it accepts connections. */
    synchronized void start() throws Exception {
        if (alive()) {
            throw new IllegalStateException("Kafka is already running");
        }
        process = new ProcessBuilder(List.of(java(), "-Xmx256m", "-Xms256m", "-XX:+UseSerialGC",
                "-Djava.awt.headless=true", "--enable-native-access=ALL-UNNAMED",
                "-Dlog4j2.configurationFile=" + log4j, "-cp", libs(), "kafka.Kafka", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitListening(Duration.ofSeconds(90));
    }

    /** SIGTERM, as an orderly broker shutdown; waits for the process to end. */
    synchronized void stop() throws Exception {
        if (alive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        awaitClosed();
    }

    /** SIGKILL, as a broker crash; waits for the process to end. */
    synchronized void killHard() throws Exception {
        if (alive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        awaitClosed();
    }

    /** Creates a topic (idempotent), retrying while the broker is not ready to answer admin requests. */
    void createTopic(String topic, int partitions) throws Exception {
        topics("--create", "--if-not-exists", "--topic", topic, "--partitions", Integer.toString(partitions),
                "--replication-factor", "1");
    }

    /** Waits until the broker answers admin requests (lists topics). */
    void awaitAdmin() throws Exception {
        topics("--list");
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private String topics(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=" + log4j, "-cp", libs(), "org.apache.kafka.tools.TopicCommand",
                "--bootstrap-server", bootstrap()));
        command.addAll(List.of(args));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            if (!alive()) {
                throw new IllegalStateException("Kafka exited:\n" + logTail());
            }
            Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(tool.getInputStream().readAllBytes());
            if (!tool.waitFor(60, TimeUnit.SECONDS)) {
                tool.destroyForcibly();
            } else if (tool.exitValue() == 0) {
                return out;
            }
            last = out;
            Thread.sleep(500);
        }
        throw new IllegalStateException("kafka-topics " + String.join(" ", args) + " kept failing: " + last
                + "\n" + logTail());
    }

    private void writeConfig() throws IOException {
        Files.writeString(config, String.join("\n",
                "node.id=1",
                "process.roles=broker,controller",
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=6",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                // fewer than the default 50: the group coordinator is up sooner on a small machine
                "offsets.topic.num.partitions=6",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // After a SIGKILL the restarted node waits for its previous registration's session to
                // expire before it serves (default 9 s); a shorter session shortens that wait.
                "broker.session.timeout.ms=4000",
                "broker.heartbeat.interval.ms=1000",
                // must be > 1 MiB per cleaner thread
                "log.cleaner.dedupe.buffer.size=2097152",
                "num.network.threads=2",
                "num.io.threads=2",
                "") + "\n");
        Files.writeString(log4j, """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN" shutdownHook="disable">
                  <Appenders>
                    <Console name="STDOUT" target="SYSTEM_OUT">
                      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
                    </Console>
                  </Appenders>
                  <Loggers>
                    <Root level="WARN"><AppenderRef ref="STDOUT"/></Root>
                    <Logger name="kafka.server.BrokerServer" level="INFO"/>
                    <Logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                    <Logger name="kafka.Kafka$" level="INFO"/>
                  </Loggers>
                </Configuration>
                """);
    }

    private void format() throws Exception {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Process format = new ProcessBuilder(List.of(java(), "-Xmx256m", "-Dlog4j2.configurationFile=" + log4j,
                "-cp", libs(), "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("kafka StorageTool format failed:\n" + logTail());
        }
    }

    private void awaitListening(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (listening()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Kafka did not listen on " + bootstrap() + " within " + timeout + ":\n" + logTail());
    }

    private void awaitClosed() throws Exception {
        for (int i = 0; i < 100 && listening(); i++) {
            Thread.sleep(100);
        }
        if (listening()) {
            throw new IllegalStateException("something still listens on " + bootstrap() + " after Kafka stopped");
        }
    }

    boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String libs() {
        Path libs = root.resolve(".dev/kafka/libs");
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
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
