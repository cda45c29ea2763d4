package com.rediacc.bridge.ssh;

import com.rediacc.contract.bridge.MachineConnection;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.Ports;
import com.rediacc.testsupport.TempDirs;
import com.rediacc.testsupport.TestSshd;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SSH client against a real OpenSSH server on loopback. */
class SshExecutionTest {
    private static TestSshd sshd;
    private static SshSessionPool pool;
    private static KeyPair identity;

    @BeforeAll
    static void start() throws Exception {
        sshd = TestSshd.start();
        pool = new SshSessionPool(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 2, Duration.ofSeconds(5), 3);
        identity = loadKey(sshd.clientKey);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    static KeyPair loadKey(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in,
                    FilePasswordProvider.EMPTY).iterator().next();
        }
    }

    /** A session share that is given back at once: enough for commands run one at a time. */
    private static ClientSession session(MachineConnection machine, KeyPair key) throws SshFailure {
        try (SshSessionPool.Lease share = pool.acquire(machine, key)) {
            return share.session();
        }
    }

    private static MachineConnection machine(String hostKey) {
        return MachineConnection.withoutSecrets("test-01", "127.0.0.1", sshd.port, sshd.user, hostKey, "demo");
    }

    @Test
    void aSessionNoTaskUsesIsClosedAfterTheIdleTimeoutWhileKeepalivesGoOn() throws Exception {
        try (SshSessionPool idlePool = new SshSessionPool(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), 2,
                Duration.ofMillis(200), 3)) {
            ClientSession session;
            try (SshSessionPool.Lease share = idlePool.acquire(machine(sshd.hostKey), identity)) {
                session = share.session();
                assertThat(RemoteCommand.run(session, "true", 1024).exitCode()).isZero();
            }
            Await.until("the idle session closed", Duration.ofSeconds(60), () -> !session.isOpen());
            try (SshSessionPool.Lease share = idlePool.acquire(machine(sshd.hostKey), identity)) {
                assertThat(share.session()).as("a new one").isNotSameAs(session);
                assertThat(RemoteCommand.run(share.session(), "true", 1024).exitCode()).isZero();
            }
        }
    }

    @Test
    void runsACommandAndKeepsItsOutputAndExitCode() throws Exception {
        ClientSession session = session(machine(sshd.hostKey), identity);
        ExecResult ok = RemoteCommand.run(session, "uname -s; echo to-stderr >&2; id -un", 1 << 20);
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.output()).contains("Linux").contains("to-stderr").contains(sshd.user);
        assertThat(ok.outputTruncated()).isFalse();

        ExecResult failed = RemoteCommand.run(session, "echo about to fail; exit 3", 1 << 20);
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.output()).contains("about to fail");
    }

    @Test
    void environmentValuesReachTheCommandLiterallyAndAreNeverRunAsShell() throws Exception {
        ClientSession session = session(machine(sshd.hostKey), identity);
        Path marker = Path.of("/tmp", "pwned-" + UUID.randomUUID());
        Path control = Path.of("/tmp", "control-" + UUID.randomUUID());
        String substitution = "$(touch " + marker + ")";
        String breakout = "'; touch " + marker + " #";
        String backticks = "`touch " + marker + "`";
        String lines = "one\ntwo \"three\" \\ $HOME";
        java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();
        environment.put("A", substitution);
        environment.put("B", breakout);
        environment.put("C", backticks);
        environment.put("D", lines);
        try (RemoteCommand command = RemoteCommand.start(session, "printf '%s|' \"$A\" \"$B\" \"$C\" \"$D\"", environment,
                1 << 20, null, null, pid -> { })) {
            ExecResult result = command.await(Duration.ofSeconds(30));
            assertThat(result.exitCode()).isZero();
            assertThat(result.output()).isEqualTo(substitution + "|" + breakout + "|" + backticks + "|" + lines + "|");
        }
        assertThat(marker).doesNotExist();
        // the same user can write there: the marker is missing because nothing ran, not for want of rights
        assertThat(RemoteCommand.run(session, "touch " + control, 1024).exitCode()).isZero();
        assertThat(control).exists();
        Files.deleteIfExists(control);
        assertThatThrownBy(() -> RemoteCommand.start(session, "true", java.util.Map.of("BAD NAME", "x"), 1024, null, null,
                pid -> { })).isInstanceOf(SshFailure.class).hasMessageContaining("BAD NAME");
    }

    @Test
    void sharesASessionUpToTheChannelLimitThenOpensAnother() throws Exception {
        try (SshSessionPool.Lease a = pool.acquire(machine(sshd.hostKey), identity);
             SshSessionPool.Lease b = pool.acquire(machine(sshd.hostKey), identity);
             SshSessionPool.Lease c = pool.acquire(machine(sshd.hostKey), identity)) {
            assertThat(b.session()).isSameAs(a.session());
            assertThat(c.session()).as("third share: over the limit of 2").isNotSameAs(a.session());
            assertThat(RemoteCommand.run(c.session(), "true", 1024).exitCode()).isZero();
        }
        try (SshSessionPool.Lease again = pool.acquire(machine(sshd.hostKey), identity)) {
            assertThat(again.session().isOpen()).isTrue();
        }
    }

    @Test
    void thePrivateKeyIsLoadedOnlyWhenANewSessionLogsIn() throws Exception {
        java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();
        SshSessionPool.IdentitySource counted = () -> {
            loads.incrementAndGet();
            return identity;
        };
        try (SshSessionPool.Lease a = pool.acquire(machine(sshd.hostKey), "secret:t/key/1", counted);
             SshSessionPool.Lease b = pool.acquire(machine(sshd.hostKey), "secret:t/key/1", counted)) {
            assertThat(b.session()).isSameAs(a.session());
            assertThat(loads).hasValue(1);
            // A new version of the credential (a rotated key) never reuses the old version's session.
            try (SshSessionPool.Lease rotated = pool.acquire(machine(sshd.hostKey), "secret:t/key/2", counted)) {
                assertThat(rotated.session()).isNotSameAs(a.session());
                assertThat(loads).hasValue(2);
            }
        }
        SshFailure refused = org.junit.jupiter.api.Assertions.assertThrows(SshFailure.class, () ->
                pool.acquire(machine(sshd.hostKey), "secret:t/key/3", () -> {
                    throw new SshFailure(SshFailure.Kind.CREDENTIAL, "no such vault entry", null);
                }));
        assertThat(refused.kind()).isEqualTo(SshFailure.Kind.CREDENTIAL);
    }

    @Test
    void hostKeyMismatchFailsWithoutRunningTheCommand() throws Exception {
        Path marker = sshd.dir.resolve("must-not-exist");
        String impostorKey = TestSshd.otherHostKey();
        assertThatThrownBy(() -> {
            ClientSession session = session(machine(impostorKey), identity);
            RemoteCommand.run(session, "touch " + marker, 1024);
        })
                .isInstanceOfSatisfying(SshFailure.class, e -> assertThat(e.kind()).isEqualTo(SshFailure.Kind.HOST_KEY_MISMATCH))
                .hasMessageContaining("host key mismatch")
                .hasMessageContaining("SHA256:")
                .hasMessageContaining("not run");
        assertThat(marker).doesNotExist();
    }

    @Test
    void wrongClientKeyIsAnAuthenticationFailure() throws Exception {
        Path otherDir = TempDirs.create("rediacc-otherclient-");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherDir.resolve("stranger").toString())
                .start().waitFor();
        KeyPair stranger = loadKey(otherDir.resolve("stranger"));
        assertThatThrownBy(() -> session(machine(sshd.hostKey), stranger))
                .isInstanceOfSatisfying(SshFailure.class, e -> assertThat(e.kind()).isEqualTo(SshFailure.Kind.AUTH))
                .hasMessageContaining("authentication as '" + sshd.user + "'");
    }

    @Test
    void closedPortIsAConnectionFailure() throws Exception {
        int closed = Ports.free();
        MachineConnection nowhere = MachineConnection.withoutSecrets("gone", "127.0.0.1", closed, sshd.user, sshd.hostKey, "demo");
        assertThatThrownBy(() -> session(nowhere, identity))
                .isInstanceOfSatisfying(SshFailure.class, e -> assertThat(e.kind()).isEqualTo(SshFailure.Kind.CONNECT))
                .hasMessageContaining("cannot connect to 127.0.0.1:" + closed);
    }

    @Test
    void capsOutputAndMarksTruncation() throws Exception {
        ClientSession session = session(machine(sshd.hostKey), identity);
        ExecResult big = RemoteCommand.run(session, "head -c 100000 /dev/zero | tr '\\0' 'a'", 1000);
        assertThat(big.exitCode()).isZero();
        assertThat(big.outputTruncated()).isTrue();
        assertThat(big.output()).startsWith("a".repeat(1000)).contains("[output truncated: 99000 more bytes");
    }

    @Test
    void killEndsTheCommandAndEverythingItStarted() throws Exception {
        String marker = "rediacc-kill-test-" + System.nanoTime();
        ClientSession session = session(machine(sshd.hostKey), identity);
        try (RemoteCommand running = RemoteCommand.start(session,
                parentWithChild(marker), 1 << 20, null)) {
            awaitOutput(running, "started");
            assertThat(processesMatching(marker + "'")).as("remote processes before kill").isPositive();
            long before = System.nanoTime();
            running.kill();
            ExecResult result = running.await(Duration.ofSeconds(5));
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
            assertThat(result).isNotNull();
            assertThat(result.exitCode()).isNull();
            assertThat(result.exitSignal()).isNotNull();
            assertThat(result.output()).isEqualTo("started\n");
        }
        assertThat(processesMatching(marker + "'")).as("remote processes after kill").isZero();
    }

    @Test
    void commandRunsWithTheAttemptTokenInTheEnvironmentOfItsGroupLeader() throws Exception {
        String token = "attempt-" + UUID.randomUUID();
        ClientSession session = session(machine(sshd.hostKey), identity);
        CompletableFuture<Long> told = new CompletableFuture<>();
        try (RemoteCommand running = RemoteCommand.start(session, "echo \"$REDIACC_ATTEMPT\"; echo \"it's\"; sleep 600",
                1024, null, token, told::complete)) {
            Long pid = running.awaitPid(Duration.ofSeconds(5));
            assertThat(pid).isNotNull();
            assertThat(told.get(5, TimeUnit.SECONDS)).as("the pid as told to the caller").isEqualTo(pid);
            awaitOutput(running, "it's");
            assertThat(running.outputSoFar()).startsWith(token + "\n");
            // The sshd runs on this host: the leader's initial environment is readable here.
            assertThat(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ"))).split("\0"))
                    .contains("REDIACC_ATTEMPT=" + token);
            running.kill();
        }
    }

    @Test
    void endingALostAttemptKillsTheProcessGroupThatCarriesItsToken() throws Exception {
        String marker = "rediacc-lost-test-" + System.nanoTime();
        String token = "attempt-" + UUID.randomUUID();
        ClientSession session = session(machine(sshd.hostKey), identity);
        try (RemoteCommand orphan = RemoteCommand.start(session,
                parentWithChild(marker), 1 << 20, null, token, pid -> { })) {
            Long pid = orphan.awaitPid(Duration.ofSeconds(5));
            awaitOutput(orphan, "started");
            assertThat(processesMatching(marker + "'")).isPositive();

            // Another bridge's session: the one that ran the command is gone with its bridge.
            ClientSession other = pool.acquire(machine(sshd.hostKey), identity).session();
            long before = System.nanoTime();
            assertThat(AttemptProcesses.end(other, pid, token)).isEqualTo(AttemptProcesses.Outcome.KILLED);
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
            assertThat(processesMatching(marker + "'")).as("remote processes after the kill").isZero();
            assertThat(orphan.await(Duration.ofSeconds(5))).as("the command's channel ended").isNotNull();
            assertThat(AttemptProcesses.end(other, pid, token)).isEqualTo(AttemptProcesses.Outcome.NONE_RUNNING);
        }
    }

    @Test
    void theLostAttemptScriptSaysOnlyItsResultThoughOtherUsersProcessesAreUnreadable() throws Exception {
        // this test's JVM runs as another user than the machine's: its /proc/<pid>/environ cannot be read
        // there, and one complaint per such process used to push the answer past the output limit
        assertThat(ProcessHandle.current().info().user()).isNotEqualTo(java.util.Optional.of(sshd.user));
        ClientSession session = session(machine(sshd.hostKey), identity);
        ExecResult result = RemoteCommand.run(session, AttemptProcesses.script(null, "attempt-" + UUID.randomUUID()), 4096);
        assertThat(result.output()).isEqualTo("rediacc-lost:none\n");
    }

    @Test
    void endingALostAttemptWhosePidWasNeverReportedFindsItsGroupByToken() throws Exception {
        String marker = "rediacc-lost-nopid-" + System.nanoTime();
        String token = "attempt-" + UUID.randomUUID();
        ClientSession session = session(machine(sshd.hostKey), identity);
        try (RemoteCommand orphan = RemoteCommand.start(session,
                parentWithChild(marker), 1 << 20, null, token, pid -> { })) {
            awaitOutput(orphan, "started");
            assertThat(AttemptProcesses.end(session, null, token)).isEqualTo(AttemptProcesses.Outcome.KILLED);
            assertThat(processesMatching(marker + "'")).isZero();
        }
    }

    @Test
    void endingALostAttemptNeverKillsAGroupWithoutItsToken() throws Exception {
        String marker = "rediacc-not-lost-" + System.nanoTime();
        ClientSession session = session(machine(sshd.hostKey), identity);
        // Stands for a process that got the lost attempt's process id after it ended: another attempt,
        // or no attempt at all.
        try (RemoteCommand other = RemoteCommand.start(session,
                parentWithChild(marker), 1 << 20, null, "attempt-" + UUID.randomUUID(), pid -> { });
             RemoteCommand plain = RemoteCommand.start(session, "echo started; sleep 600 # " + marker, 1 << 20, null)) {
            awaitOutput(other, "started");
            awaitOutput(plain, "started");
            String lostToken = "attempt-" + UUID.randomUUID();
            for (RemoteCommand reused : List.of(other, plain)) {
                assertThat(AttemptProcesses.end(session, reused.awaitPid(Duration.ofSeconds(5)), lostToken))
                        .isEqualTo(AttemptProcesses.Outcome.NONE_RUNNING);
            }
            assertThat(AttemptProcesses.end(session, null, lostToken)).isEqualTo(AttemptProcesses.Outcome.NONE_RUNNING);
            assertThat(processesMatching(marker + "'")).as("the other attempt runs on").isPositive();
            assertThat(ProcessHandle.of(plain.awaitPid(Duration.ofSeconds(5)))).as("the plain command runs on").isPresent();
            other.kill();
            plain.kill();
        }
    }

    @Test
    void awaitReturnsNullOnTimeout() throws Exception {
        ClientSession session = session(machine(sshd.hostKey), identity);
        try (RemoteCommand running = RemoteCommand.start(session, "sleep 30", 1024, null)) {
            assertThat(running.await(Duration.ofMillis(300))).isNull();
            running.kill();
        }
    }

    @Test
    void commandReadsGivenStdinThenEndOfFile() throws Exception {
        ClientSession session = session(machine(sshd.hostKey), identity);
        try (RemoteCommand running = RemoteCommand.start(session, "cat; echo done", 1024, "{\"k\":1}".getBytes())) {
            ExecResult result = running.await(Duration.ofSeconds(10));
            assertThat(result).isNotNull();
            assertThat(result.output()).isEqualTo("{\"k\":1}done\n");
        }
    }

    @Test
    void syntaxErrorIsAnOrdinaryFailureWithoutTheMarker() throws Exception {
        ClientSession session = session(machine(sshd.hostKey), identity);
        ExecResult result = RemoteCommand.run(session, "if then fi (", 4096);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).doesNotContain(PidCapture.MARKER).contains("syntax error");
    }

    /** A command that prints "started" and waits, with a child that waits too; {@code marker} finds the child. */
    private static String parentWithChild(String marker) {
        return "echo started; sh -c 'sleep 600; echo " + marker + "' & sleep 600";
    }

    private static void awaitOutput(RemoteCommand running, String expected) {
        Await.until("output " + expected, Duration.ofSeconds(30), () -> running.outputSoFar().contains(expected));
    }

    /** The sshd is on this host, so its processes are visible here. */
    private static long processesMatching(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .count();
    }
}
