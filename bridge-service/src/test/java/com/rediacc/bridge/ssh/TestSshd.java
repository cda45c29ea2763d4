package com.rediacc.bridge.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server on a free loopback port, for tests: its own host key, one authorised
 * client key, the current user as login. Stopped (by its own process handle) on close.
 */
public final class TestSshd implements AutoCloseable {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    public final Path dir;
    public final int port;
    public final String user;
    public final String hostKey;
    public final Path clientKey;
    private final Process process;

    private TestSshd(Path dir, int port, String user, String hostKey, Path clientKey, Process process) {
        this.dir = dir;
        this.port = port;
        this.user = user;
        this.hostKey = hostKey;
        this.clientKey = clientKey;
        this.process = process;
    }

    public static boolean available() {
        return Files.isExecutable(SSHD);
    }

    public static TestSshd start() throws Exception {
        Path dir = Files.createTempDirectory("rediacc-sshd-");
        keygen(dir.resolve("host_key"));
        keygen(dir.resolve("client_key"));
        Files.createDirectories(Path.of("/run/sshd"));
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        int port = freePort();
        String user = System.getProperty("user.name");
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "ListenAddress 127.0.0.1",
                "Port " + port,
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "StrictModes no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "PermitRootLogin prohibit-password",
                "") + "\n");
        Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        awaitPort(port, process, dir);
        String hostKey = Files.readString(dir.resolve("host_key.pub")).trim();
        return new TestSshd(dir, port, user, hostKey, dir.resolve("client_key"), process);
    }

    /** A host key line of a different, freshly made key: what an impostor server would present. */
    public static String otherHostKey() throws Exception {
        Path dir = Files.createTempDirectory("rediacc-otherkey-");
        keygen(dir.resolve("key"));
        return Files.readString(dir.resolve("key.pub")).trim();
    }

    private static void keygen(Path file) throws Exception {
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", file.toString())
                .redirectErrorStream(true).start();
        if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            throw new IOException("ssh-keygen failed: " + new String(keygen.getInputStream().readAllBytes()));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitPort(int port, Process process, Path dir) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("sshd exited: " + Files.readString(dir.resolve("sshd.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IOException("sshd did not listen on " + port + ": " + Files.readString(dir.resolve("sshd.log")));
    }

    @Override
    public void close() throws Exception {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
