package com.rediacc.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One more OpenSSH "machine" for end-to-end tests: a real sshd on a free loopback port with its own
 * host key, authorising the public half of the demo key (DEMO_SSH_KEY_FILE.pub), so a machine
 * registered with the stack's credential {@code demo-01-key} logs in. Stopped, with every session
 * process it started, on close. (Same approach as bridge-service's TestSshd.)
 */
final class TestSshd implements AutoCloseable {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    final int port;
    /** "ssh-ed25519 AAAA...", as registered in a machine's hostKey. */
    final String hostKey;
    private final Path dir;
    private final Process process;

    private TestSshd(Path dir, int port, String hostKey, Process process) {
        this.dir = dir;
        this.port = port;
        this.hostKey = hostKey;
        this.process = process;
    }

    static TestSshd start() throws Exception {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: install openssh-server");
        }
        Path dir = TempDirs.create("rediacc-e2e-sshd-");
        keygen(dir.resolve("host_key"));
        Files.createDirectories(Path.of("/run/sshd"));
        Files.copy(Path.of(E2eStack.env("DEMO_SSH_KEY_FILE") + ".pub"), dir.resolve("authorized_keys"));
        int port = E2eStack.freePort();
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "ListenAddress 127.0.0.1",
                "Port " + port,
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "StrictModes no",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "PermitRootLogin prohibit-password",
                "PrintMotd no",
                "UseDNS no",
                "MaxStartups 64:30:128",
                "MaxSessions 64",
                "") + "\n");
        Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        String[] key = Files.readString(dir.resolve("host_key.pub")).trim().split("\\s+");
        TestSshd sshd = new TestSshd(dir, port, key[0] + " " + key[1], process);
        try {
            sshd.awaitPort();
        } catch (Exception e) {
            sshd.close();
            throw e;
        }
        return sshd;
    }

    private static void keygen(Path file) throws Exception {
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "rediacc-e2e-host",
                "-f", file.toString()).redirectErrorStream(true).start();
        String out = new String(keygen.getInputStream().readAllBytes());
        if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            throw new IOException("ssh-keygen failed: " + out);
        }
    }

    private void awaitPort() throws Exception {
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
        throw new IOException("sshd did not listen on " + port + ": " + Files.readString(dir.resolve("sshd.log")));
    }

    @Override
    public void close() throws Exception {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
