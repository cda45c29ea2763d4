package com.rediacc.bridge;

import com.rediacc.bridge.dispatch.DispatchConsumer;
import com.rediacc.bridge.work.WorkScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class StopBudgetTest {
    @Test
    void waitingForAClaimInFlightAndLeavingTheGroupTakeAtMostWhatTheKubernetesGracePeriodAllowsBeforeTheDrain() {
        assertThat(WorkScheduler.CLAIM_IN_FLIGHT_WAIT.plus(DispatchConsumer.LEAVE_WAIT))
                .as("k8s ManifestsTest.BRIDGE_STOP_BEFORE_DRAIN: terminationGracePeriodSeconds counts on it")
                .isLessThanOrEqualTo(Duration.ofSeconds(23));
    }
}
