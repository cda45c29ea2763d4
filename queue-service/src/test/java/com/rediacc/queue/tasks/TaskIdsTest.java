package com.rediacc.queue.tasks;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TaskIdsTest {
    @Test
    void idsAreVersion7WithTheCreationTimeInFront() {
        long before = System.currentTimeMillis();
        UUID id = TaskIds.next();
        long after = System.currentTimeMillis();
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
    }

    @Test
    void laterIdsSortLaterAsPostgreSqlComparesUuids() {
        // PostgreSQL orders uuid values bytewise (unsigned), which for v7 is time order.
        UUID earlier = TaskIds.at(1_764_000_000_000L, -1L, -1L);
        UUID later = TaskIds.at(1_764_000_000_001L, 0L, 0L);
        assertThat(earlier.toString()).isLessThan(later.toString());
        assertThat(earlier.toString()).startsWith("019ab").contains("-7fff-bfff-");
    }

    @Test
    void idsMadeInTheSameMillisecondDiffer() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(TaskIds.next());
        }
        assertThat(ids).hasSize(100_000);
    }
}
