package com.rediacc.bridge.metrics;

import com.rediacc.bridge.ssh.SessionShare;
import com.rediacc.bridge.ssh.SshFailure;
import com.rediacc.bridge.ssh.SshSessionPool;
import com.rediacc.contract.bridge.MachineConnection;
import com.rediacc.testsupport.Ports;
import com.rediacc.testsupport.TestSshd;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bridge's SSH metrics against a real OpenSSH server on loopback: connect and host key failures
 * counted per machine and kind, and the pool's open sessions and channels as shares are taken and
 * given back.
 */
class MeteredSshSessionsTest {
    private static TestSshd sshd;
    private static SshSessionPool pool;
    private static KeyPair identity;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        sshd = TestSshd.start();
        pool = new SshSessionPool(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 2, Duration.ofSeconds(5), 3);
        try (var in = Files.newInputStream(sshd.clientKey)) {
            identity = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(sshd.clientKey.toString()), in,
                    FilePasswordProvider.EMPTY).iterator().next();
        }
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

    @Test
    void failuresAreCountedPerMachineAndKind() throws Exception {
        MeteredSshSessions sessions = new MeteredSshSessions(pool, registry);
        MachineConnection impostor = MachineConnection.withoutSecrets("impostor-01", "127.0.0.1", sshd.port, sshd.user,
                TestSshd.otherHostKey(), "demo");
        MachineConnection gone = MachineConnection.withoutSecrets("gone-01", "127.0.0.1", Ports.free(), sshd.user,
                sshd.hostKey, "demo");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> sessions.acquire(impostor, identity)).isInstanceOf(SshFailure.class);
        }
        assertThatThrownBy(() -> sessions.acquire(gone, identity)).isInstanceOf(SshFailure.class);

        assertThat(failures("impostor-01", "host_key")).isEqualTo(2.0);
        assertThat(failures("gone-01", "connect")).isEqualTo(1.0);
        assertThat(registry.find("rediacc.ssh.failures").tag("machine", "impostor-01").tag("kind", "connect").counter()).isNull();
    }

    @Test
    void openSessionsAndChannelsFollowTheShares() throws Exception {
        MeteredSshSessions sessions = new MeteredSshSessions(pool, registry);
        MachineConnection machine = MachineConnection.withoutSecrets("ok-01", "127.0.0.1", sshd.port, sshd.user, sshd.hostKey, "demo");
        int sessionsBefore = pool.openSessions();
        int channelsBefore = pool.openChannels();
        try (SessionShare first = sessions.acquire(machine, identity); SessionShare second = sessions.acquire(machine, identity)) {
            assertThat(pool.openChannels()).isEqualTo(channelsBefore + 2);
            assertThat(pool.openSessions()).isBetween(sessionsBefore, sessionsBefore + 1).isPositive();
        }
        assertThat(pool.openChannels()).isEqualTo(channelsBefore);
        assertThat(registry.find("rediacc.ssh.failures").tag("machine", "ok-01").counter()).isNull();
    }

    private double failures(String machine, String kind) {
        Counter counter = registry.find("rediacc.ssh.failures").tag("machine", machine).tag("kind", kind).counter();
        return counter == null ? 0 : counter.count();
    }
}
