package com.rediacc.bridge.presence;

import com.rediacc.bridge.queue.TaskQueue;
import com.rediacc.bridge.resources.ResourceSampler;
import com.rediacc.bridge.ssh.SshSessionPool;
import com.rediacc.contract.bridge.AttemptResult;
import com.rediacc.contract.bridge.BridgePresence;
import com.rediacc.contract.bridge.ClaimedTask;
import com.rediacc.contract.bridge.HeartbeatReply;
import com.rediacc.contract.bridge.LostAttempt;
import com.rediacc.contract.bridge.LostAttempts;
import com.rediacc.contract.bridge.ResourceSample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceReporterTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void samplesThatCouldNotBeSentGoWithTheNextPresenceUnlessANewerOneCame() {
        PresenceQueue queue = new PresenceQueue();
        try (SshSessionPool pool = new SshSessionPool(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1), 8,
                Duration.ofSeconds(5), 3)) {
            ResourceSampler sampler = new ResourceSampler(pool);
            PresenceReporter reporter = new PresenceReporter(queue, sampler, () -> new BridgePresence("b1", "1.0",
                    List.of("gpu"), "http://10.0.0.7:8081", List.of(0, 3), 6, 8, 5000, List.of()));

            sampler.putBack(List.of(sample("db-01", AT), sample("web-01", AT)));
            queue.down = true;
            reporter.report();
            assertThat(queue.presences).isEmpty();

            sampler.putBack(List.of(sample("db-01", AT.plusSeconds(60)), sample("web-01", AT.minusSeconds(60))));
            queue.down = false;
            reporter.report();
            assertThat(queue.presences).hasSize(1);
            BridgePresence sent = queue.presences.getFirst();
            assertThat(sent.bridgeId()).isEqualTo("b1");
            assertThat(sent.partitions()).containsExactly(0, 3);
            assertThat(sent.samples()).extracting(s -> s.machine() + " " + s.sampledAt())
                    .containsExactlyInAnyOrder("db-01 " + AT.plusSeconds(60), "web-01 " + AT);

            reporter.report();
            assertThat(queue.presences.get(1).samples()).as("each sample is sent once").isEmpty();
        }
    }

    private static ResourceSample sample(String machine, Instant at) {
        return new ResourceSample(machine, at, 0.1, 0.1, 0.1, 2, 1024, 512, 2048, 1024);
    }

    /** A queue that only takes presences, or refuses them while {@code down}. */
    private static final class PresenceQueue implements TaskQueue {
        final List<BridgePresence> presences = new ArrayList<>();
        boolean down;

        @Override
        public void presence(BridgePresence presence) throws QueueUnavailable {
            if (down) {
                throw new QueueUnavailable("queue-service unreachable", null);
            }
            presences.add(presence);
        }

        @Override
        public Claimed claim(String machine, List<String> tags, int max) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> readyMachines(List<Integer> partitions, int partitionCount) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean start(ClaimedTask task) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<HeartbeatReply> heartbeat(ClaimedTask task, int outputOffset, String outputChunk, Long remotePid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean release(ClaimedTask task, String reason, Duration retryAfter) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean finish(ClaimedTask task, AttemptResult result) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LostAttempts lostAttempts(String machine) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean lostAttemptEnded(LostAttempt attempt, boolean killed) {
            throw new UnsupportedOperationException();
        }
    }
}
