package com.rediacc.bridge.ssh;

import com.rediacc.contract.bridge.MachineCheck;
import com.rediacc.contract.bridge.MachineConnection;
import com.rediacc.testsupport.Ports;
import com.rediacc.testsupport.TestSshd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The machine check, step by step, against a real OpenSSH server on loopback. */
class ConnectionCheckTest {
    private static TestSshd sshd;
    private static SshSessionPool pool;
    private static KeyPair identity;

    @BeforeAll
    static void start() throws Exception {
        sshd = TestSshd.start();
        pool = new SshSessionPool(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 2, Duration.ofSeconds(5), 3);
        identity = SshExecutionTest.loadKey(sshd.clientKey);
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

    private static MachineConnection machine(int port, String hostKey) {
        return MachineConnection.withoutSecrets("check-01", "127.0.0.1", port, sshd.user, hostKey, "demo");
    }

    private static String steps(MachineCheck check) {
        return String.join(" ", check.steps().stream().map(s -> s.name() + "=" + (s.ok() ? "ok" : "failed")).toList());
    }

    @Test
    void everyStepPassesWithItsTimeAndNoSessionIsLeftInThePool() {
        MachineCheck check = pool.check(machine(sshd.port, sshd.hostKey), "b1", () -> identity);
        assertThat(steps(check)).isEqualTo("connect=ok hostKey=ok auth=ok exec=ok");
        assertThat(check.ok()).isTrue();
        assertThat(check.bridge()).isEqualTo("b1");
        assertThat(check.steps()).allSatisfy(step -> {
            assertThat(step.millis()).isBetween(0L, 15_000L);
            assertThat(step.error()).isNull();
        });
        assertThat(pool.shareOpenSessions()).as("the check used a connection of its own").isEmpty();
    }

    @Test
    void aWrongHostKeyStopsAtHostKeyBeforeAnyLogin() throws Exception {
        MachineCheck check = pool.check(machine(sshd.port, TestSshd.otherHostKey()), "b1", () -> {
            throw new AssertionError("the identity must not be needed");
        });
        assertThat(steps(check)).isEqualTo("connect=ok hostKey=failed");
        assertThat(check.steps().get(1).error()).contains("host key mismatch");
        assertThat(check.ok()).isFalse();
    }

    @Test
    void aKeyTheServerDoesNotKnowFailsAtAuth() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair stranger = generator.generateKeyPair();
        MachineCheck check = pool.check(machine(sshd.port, sshd.hostKey), "b1", () -> stranger);
        assertThat(steps(check)).isEqualTo("connect=ok hostKey=ok auth=failed");
        assertThat(check.steps().get(2).error()).contains("authentication as '" + sshd.user + "'");
    }

    @Test
    void aMissingCredentialFailsAtAuthWithItsReason() {
        MachineCheck check = pool.check(machine(sshd.port, sshd.hostKey), "b1", () -> {
            throw new SshFailure(SshFailure.Kind.CREDENTIAL, "credential 'demo' not found in the vault of team 'ops'", null);
        });
        assertThat(steps(check)).isEqualTo("connect=ok hostKey=ok auth=failed");
        assertThat(check.steps().get(2).error()).contains("credential 'demo' not found");
    }

    @Test
    void nothingListeningFailsAtConnect() throws Exception {
        MachineCheck check = pool.check(machine(Ports.free(), sshd.hostKey), "b1", () -> identity);
        assertThat(steps(check)).isEqualTo("connect=failed");
        assertThat(check.steps().getFirst().error()).contains("cannot connect to 127.0.0.1:");
    }
}
