package com.rediacc.bridge.resources;

import com.rediacc.bridge.ssh.SshSessionPool;
import com.rediacc.contract.bridge.MachineConnection;
import com.rediacc.contract.bridge.ResourceSample;
import com.rediacc.testsupport.TestSshd;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Resource sampling on the pooled sessions of a real OpenSSH server on loopback (the machine is this host). */
class ResourceSamplerTest {
    private static TestSshd sshd;
    private static KeyPair identity;

    @BeforeAll
    static void start() throws Exception {
        sshd = TestSshd.start();
        try (var in = Files.newInputStream(sshd.clientKey)) {
            identity = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("client"), in,
                    FilePasswordProvider.EMPTY).iterator().next();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }

    private static MachineConnection machine() {
        return MachineConnection.withoutSecrets("sampled-01", "127.0.0.1", sshd.port, sshd.user, sshd.hostKey, "demo");
    }

    @Test
    void samplesAMachineOnItsPooledSessionAndNeverConnectsItself() throws Exception {
        try (SshSessionPool pool = new SshSessionPool(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 2,
                Duration.ofSeconds(5), 3)) {
            ResourceSampler sampler = new ResourceSampler(pool);
            sampler.sampleAll();
            assertThat(sampler.drain()).as("no session yet: nothing sampled, nothing connected").isEmpty();
            assertThat(pool.shareOpenSessions()).isEmpty();

            pool.acquire(machine(), identity).close();
            sampler.sampleAll();
            List<ResourceSample> samples = sampler.drain();
            assertThat(samples).hasSize(1);
            ResourceSample sample = samples.getFirst();
            assertThat(sample.machine()).isEqualTo("sampled-01");
            Process nproc = new ProcessBuilder("nproc").start();
            assertThat(sample.cpus()).isEqualTo(Integer.parseInt(new String(nproc.getInputStream().readAllBytes()).strip()));
            long memTotalKib = Long.parseLong(Files.readAllLines(java.nio.file.Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith("MemTotal:")).findFirst().orElseThrow().replaceAll("\\D", ""));
            assertThat(sample.memoryTotalBytes()).isEqualTo(memTotalKib * 1024);
            assertThat(sample.memoryAvailableBytes()).isBetween(1L, sample.memoryTotalBytes());
            assertThat(sample.diskUsedBytes()).isBetween(1L, sample.diskTotalBytes());
            assertThat(sampler.drain()).as("taken once").isEmpty();
        }
    }

    @Test
    void aSessionWhoseChannelsTasksHoldIsLeftAlone() throws Exception {
        try (SshSessionPool pool = new SshSessionPool(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1), 2,
                     Duration.ofSeconds(5), 3);
             var first = pool.acquire(machine(), identity);
             var second = pool.acquire(machine(), identity)) {
            ResourceSampler sampler = new ResourceSampler(pool);
            sampler.sampleAll();
            assertThat(sampler.drain()).as("both channels of the only session are taken by tasks").isEmpty();
        }
    }
}
