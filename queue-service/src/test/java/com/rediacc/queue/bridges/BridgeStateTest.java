package com.rediacc.queue.bridges;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class BridgeStateTest {
    private static final Instant SEEN = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void quietOnlyAfterTheGivenNumberOfMissedPresences() {
        Duration every = Duration.ofSeconds(5);
        assertThat(BridgeState.of(SEEN, every, 3, SEEN.plusSeconds(15))).isEqualTo(BridgeState.LIVE);
        assertThat(BridgeState.of(SEEN, every, 3, SEEN.plusSeconds(15).plusMillis(1))).isEqualTo(BridgeState.QUIET);
    }

    @Test
    void aMachineIsOnThePartitionKafkasProducerPutsItsKeyOn() {
        for (String machine : new String[]{"demo-01", "prod-db-7", "m-3f9a1c2e", "ünïcode"}) {
            for (int count : new int[]{1, 6, 24}) {
                assertThat(DispatchPartitions.of(machine, count)).as(machine + " of " + count)
                        .isEqualTo(BuiltInPartitioner.partitionForKey(machine.getBytes(StandardCharsets.UTF_8), count));
            }
        }
    }

    @Test
    void aBridgeServesTheMachinesOfItsPartitions() {
        String machine = "demo-01";
        int partition = DispatchPartitions.of(machine, 6);
        Bridge serving = new Bridge("b", null, java.util.List.of(), null, java.util.List.of(partition), 6, 8,
                Duration.ofSeconds(5), SEEN);
        Bridge other = new Bridge("c", null, java.util.List.of(), null, java.util.List.of((partition + 1) % 6), 6, 8,
                Duration.ofSeconds(5), SEEN);
        Bridge unassigned = new Bridge("d", null, java.util.List.of(), null, java.util.List.of(), 0, 8,
                Duration.ofSeconds(5), SEEN);
        assertThat(serving.serves(machine)).isTrue();
        assertThat(other.serves(machine)).isFalse();
        assertThat(unassigned.serves(machine)).isFalse();
    }
}
