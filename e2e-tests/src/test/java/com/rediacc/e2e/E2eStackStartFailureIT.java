package com.rediacc.e2e;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A stack whose queue-service cannot start (here a setting it refuses) leaves nothing running: by the
 * time startCore throws, the vault-service it had started and waited for is stopped, so no test after
 * it finds a stray service holding a port or a database.
 */
class E2eStackStartFailureIT {
    @Test
    void aStartThatFailsHalfwayStopsWhatItStarted() {
        Set<Long> before = children();
        assertThatThrownBy(() -> new E2eStack("startfail").startCore(Map.of("REDIACC_TASKS_PURGE_SLICE", "not-a-number")))
                .hasMessageContaining("queue-service exited");
        assertThat(children()).as("processes this JVM started and left running").isSubsetOf(before);
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
