package com.rediacc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One OpenSSH "machine" for tests: a real sshd on a free loopback port, with a host key of its own,
 * letting in {@link MachineUser} with one client key. Stopped, with every session process it
 * started, on close.
 */
public final class TestSshd implements AutoCloseable {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    /** Its config, keys and log; readable by the machine user (who needs the authorized keys), deleted on close. */
    public final Path dir;
    public final int port;
    /** The login user. */
    public final String user;
    /** "ssh-ed25519 AAAA...", as a machine's hostKey is registered. */
    public final String hostKey;
    /** The private key that logs in. */
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

    /** An sshd that lets in a client key made for it ({@link #clientKey}). */
    public static TestSshd start() throws Exception {
        Path dir = newDir();
        keygen(dir.resolve("client_key"));
        return start(dir, dir.resolve("client_key"));
    }

    /** An sshd that lets in the private key {@code clientKey} (its public half is {@code clientKey}.pub). */
    public static TestSshd start(Path clientKey) throws Exception {
        return start(newDir(), clientKey);
    }

    /** A host key line of another, fresh key: what an impostor server would present. */
    public static String otherHostKey() throws Exception {
        Path dir = TempDirs.create("rediacc-test-otherkey-");
        keygen(dir.resolve("key"));
        return publicKeyLine(dir.resolve("key.pub"));
    }

    static Path newDir() throws IOException {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: install openssh-server");
        }
        Path dir = TempDirs.create("rediacc-test-sshd-");
        // sshd reads the authorized keys as the login user; the host key stays private (600)
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static TestSshd start(Path dir, Path clientKey) throws Exception {
        int port = Ports.free();
        Path config = configure(dir, clientKey, "127.0.0.1", port);
        Path log = dir.resolve("sshd.log");
        Process process = launch(List.of(), config, log);
        TestSshd sshd = new TestSshd(dir, port, MachineUser.name(), publicKeyLine(dir.resolve("host_key.pub")), clientKey, process);
        try {
            Ports.awaitListening("sshd", process, port, Duration.ofSeconds(60), () -> readQuietly(log));
        } catch (RuntimeException | Error e) {
            sshd.close();
            throw e;
        }
        return sshd;
    }

    /**
     * Writes into {@code dir} a host key, the authorized key (the public half of {@code clientKey}) and an
     * sshd_config listening on {@code address}:{@code port} that lets in {@link MachineUser} only; returns the config.
     */
    static Path configure(Path dir, Path clientKey, String address, int port) throws Exception {
        String user = MachineUser.name();
        keygen(dir.resolve("host_key"));
        Path authorized = Files.copy(Path.of(clientKey + ".pub"), dir.resolve("authorized_keys"));
        Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(Path.of("/run/sshd"));
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "ListenAddress " + address,
                "Port " + port,
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorized,
                "AllowUsers " + user,
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
        return config;
    }

    /** Starts sshd in the foreground on {@code config}, behind {@code prefix} (e.g. ip netns exec NAME), appending to {@code log}. */
    static Process launch(List<String> prefix, Path config, Path log) throws IOException {
        List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of(SSHD.toString(), "-D", "-e", "-f", config.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private static void keygen(Path file) throws Exception {
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "rediacc-test",
                "-f", file.toString()).redirectErrorStream(true).start();
        String out = new String(keygen.getInputStream().readAllBytes());
        if (!keygen.waitFor(30, TimeUnit.SECONDS) || keygen.exitValue() != 0) {
            throw new IOException("ssh-keygen failed: " + out);
        }
    }

    /** "type base64" of a public key file, without its comment. */
    static String publicKeyLine(Path file) throws IOException {
        String[] fields = Files.readString(file).trim().split("\\s+");
        return fields[0] + " " + fields[1];
    }

    static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws Exception {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
        TempDirs.delete(dir);
    }
}
