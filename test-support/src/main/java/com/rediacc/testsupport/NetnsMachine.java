package com.rediacc.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A machine that can crash or drop off the network: an sshd (as {@link TestSshd}, letting in
 * {@link MachineUser}) in a Linux network namespace of its own, joined to the host by a veth pair on
 * a private /30 (host end .1, machine .2; a blackhole route behind it keeps packets for it on the
 * host even while the link is down, nothing is routed anywhere else). Needs root, as CI and the
 * dev containers run. {@link #crash()} kills every process of the namespace (sshd and every command
 * it runs), {@link #restart()} starts sshd again with the same host key, {@link #partition()} and
 * {@link #heal()} take the link down and up. {@link #close()} removes processes, link and namespace
 * (so does the JVM's exit if the test did not); a JVM killed first leaves them to the next run, which
 * removes those whose JVM is gone.
 */
public final class NetnsMachine implements AutoCloseable {
    private static final String PREFIX = "rediacc-m-";
    private static final Pattern OURS = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-(\\d+)");
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final Duration START = Duration.ofSeconds(60);
    private static final String BLACKHOLE_METRIC = "4000";

    /** The machine's address (the namespace end of the link) and sshd port. */
    public final String host;
    public final int port = 22;
    public final String user;
    /** "ssh-ed25519 AAAA...", as a machine's hostKey is registered. */
    public final String hostKey;
    public final Path clientKey;
    /** Config, keys and log of its sshd; readable by the machine user. */
    public final Path dir;
    private final String namespace;
    private final String hostLink;
    private final String machineLink;
    private final Path config;
    private final Thread onExit;
    private Process sshd;

    private NetnsMachine(String namespace, String hostLink, String machineLink, String host, Path dir, Path config,
                         Path clientKey) throws Exception {
        this.namespace = namespace;
        this.hostLink = hostLink;
        this.machineLink = machineLink;
        this.host = host;
        this.dir = dir;
        this.config = config;
        this.clientKey = clientKey;
        this.user = MachineUser.name();
        this.hostKey = TestSshd.publicKeyLine(dir.resolve("host_key.pub"));
        this.onExit = new Thread(() -> {
            try {
                remove(namespace, hostLink);
                quietly("ip", "route", "del", "blackhole", subnet(host), "metric", BLACKHOLE_METRIC);
            } catch (Exception e) {
                System.err.println("could not remove " + namespace + ": " + e);
            }
        }, "netns-cleanup");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** A machine in a new namespace, letting in the private key {@code clientKey} (its public half is {@code clientKey}.pub). */
    public static NetnsMachine start(Path clientKey) throws Exception {
        removeStale();
        long pid = ProcessHandle.current().pid();
        int n = COUNT.incrementAndGet();
        String namespace = PREFIX + pid + "-" + n;
        // interface names have at most 15 characters
        String hostLink = "rvh" + pid % 1_000_000 + "x" + n;
        String machineLink = "rvm" + pid % 1_000_000 + "x" + n;
        int[] net = freeSubnet();
        String hostAddress = "10." + net[0] + "." + net[1] + "." + net[2];
        String machineAddress = "10." + net[0] + "." + net[1] + "." + (net[2] + 1);
        String subnet = "10." + net[0] + "." + net[1] + "." + (net[2] - 1) + "/30";
        Path dir = TestSshd.newDir();
        NetnsMachine machine = null;
        try {
            run("ip", "netns", "add", namespace);
            run("ip", "link", "add", hostLink, "type", "veth", "peer", "name", machineLink, "netns", namespace);
            run("ip", "addr", "add", hostAddress + "/30", "dev", hostLink);
            run("ip", "link", "set", hostLink, "up");
            run("ip", "route", "add", "blackhole", subnet, "metric", BLACKHOLE_METRIC);
            run("ip", "-n", namespace, "addr", "add", machineAddress + "/30", "dev", machineLink);
            run("ip", "-n", namespace, "link", "set", machineLink, "up");
            run("ip", "-n", namespace, "link", "set", "lo", "up");
            Path config = TestSshd.configure(dir, clientKey, machineAddress, 22);
            machine = new NetnsMachine(namespace, hostLink, machineLink, machineAddress, dir, config, clientKey);
            machine.restart();
            return machine;
        } catch (Exception | Error e) {
            if (machine != null) {
                machine.close();
            } else {
                remove(namespace, hostLink);
                TempDirs.delete(dir);
            }
            quietly("ip", "route", "del", "blackhole", subnet, "metric", BLACKHOLE_METRIC);
            throw e;
        }
    }

    /** Starts sshd in the namespace (again, after a crash) and waits until it accepts connections. */
    public synchronized void restart() throws Exception {
        Path log = dir.resolve("sshd.log");
        sshd = TestSshd.launch(List.of("ip", "netns", "exec", namespace), config, log);
        Ports.awaitListening("sshd in " + namespace, sshd, host, port, START, () -> TestSshd.readQuietly(log));
    }

    /** The machine crashes: every process of its namespace is killed at once (SIGKILL); the link stays up. */
    public synchronized void crash() throws Exception {
        killAll(namespace);
        if (sshd != null) {
            sshd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The machine drops off the network: its end of the link goes down (packets to it are dropped); its processes go on. */
    public void partition() throws Exception {
        run("ip", "-n", namespace, "link", "set", machineLink, "down");
    }

    /** The link is up again. */
    public void heal() throws Exception {
        run("ip", "-n", namespace, "link", "set", machineLink, "up");
    }

    /** The processes of the namespace now (sshd, its sessions, the commands they run). */
    public List<Long> pids() throws Exception {
        return pids(namespace);
    }

    @Override
    public synchronized void close() throws Exception {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
        try {
            remove(namespace, hostLink);
            quietly("ip", "route", "del", "blackhole", subnet(host), "metric", BLACKHOLE_METRIC);
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** The /30 of the machine's address a.b.c.d: a.b.c.(d-2)/30. */
    private static String subnet(String machineAddress) {
        int last = machineAddress.lastIndexOf('.');
        return machineAddress.substring(0, last + 1) + (Integer.parseInt(machineAddress.substring(last + 1)) - 2) + "/30";
    }

    /** Kills the namespace's processes, deletes its link (both ends) and the namespace; what is gone already is skipped. */
    private static void remove(String namespace, String hostLink) throws Exception {
        if (namespaces().contains(namespace)) {
            killAll(namespace);
        }
        quietly("ip", "link", "del", hostLink);
        quietly("ip", "netns", "del", namespace);
    }

    private static void killAll(String namespace) throws Exception {
        Await.until("no process left in " + namespace, Duration.ofSeconds(30), () -> {
            List<Long> left = pids(namespace);
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            return left.isEmpty();
        });
    }

    private static List<Long> pids(String namespace) throws Exception {
        List<Long> pids = new ArrayList<>();
        for (String line : run("ip", "netns", "pids", namespace).split("\\s+")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    /** Namespaces (and their links) left by test JVMs that are gone. */
    private static synchronized void removeStale() throws Exception {
        for (String namespace : namespaces()) {
            Matcher ours = OURS.matcher(namespace);
            if (ours.matches() && ProcessHandle.of(Long.parseLong(ours.group(1))).isEmpty()) {
                long pid = Long.parseLong(ours.group(1));
                remove(namespace, "rvh" + pid % 1_000_000 + "x" + ours.group(2));
            }
        }
    }

    private static List<String> namespaces() throws Exception {
        List<String> names = new ArrayList<>();
        for (String line : run("ip", "netns", "list").split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    /** A 10.a.b.c/30 that no interface of the host uses (a, b random; c a multiple of 4). */
    private static int[] freeSubnet() throws SocketException {
        List<InetAddress> used = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses).toList();
        for (int tries = 0; tries < 100; tries++) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int[] net = {200 + random.nextInt(50), random.nextInt(256), 4 * random.nextInt(64)};
            boolean taken = used.stream().map(InetAddress::getAddress).anyMatch(a -> a.length == 4
                    && (a[0] & 0xff) == 10 && (a[1] & 0xff) == net[0] && (a[2] & 0xff) == net[1]);
            if (!taken) {
                net[2] += 1;
                return net;
            }
        }
        throw new IllegalStateException("no free 10.x.y.0/24 for a test machine's link");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    private static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
