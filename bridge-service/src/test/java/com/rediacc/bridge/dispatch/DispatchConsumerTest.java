package com.rediacc.bridge.dispatch;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DispatchConsumerTest {
    private static final Map<String, Object> CONFIGURED = Map.of(
            "bootstrap.servers", "127.0.0.1:9092", "group.id", "rediacc-bridges",
            "session.timeout.ms", "10000", "heartbeat.interval.ms", "1000",
            "partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");

    @Test
    void theClassicProtocolTakesEverySettingAsConfigured() {
        assertThat(DispatchConsumer.properties(CONFIGURED)).isEqualTo(CONFIGURED);
    }

    @Test
    void theConsumerProtocolLeavesAssignmentHeartbeatAndSessionToTheBroker() {
        Map<String, Object> configured = new HashMap<>(CONFIGURED);
        configured.put("group.protocol", "consumer");
        assertThat(DispatchConsumer.properties(configured)).containsOnlyKeys("bootstrap.servers", "group.id", "group.protocol");
    }
}
