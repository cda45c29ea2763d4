package com.rediacc.queue.tasks.maintenance;

import com.rediacc.testsupport.Await;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The maintenance services run at its configured interval, also below one second (500 ms in the test profile). */
@QuarkusTest
class MaintenanceIntervalTest {
    @Inject
    Maintenance sweeper;

    @Test
    void sweepsEveryFiveHundredMilliseconds() throws Exception {
        Await.until("the first run started", Duration.ofSeconds(30), () -> sweeper.runsStarted() > 0);
        // When each sweep starts, for 4 s (sampled every 5 ms: the gaps are what is measured); the median gap is immune to a few slow sweeps on a busy machine.
        List<Long> startedAt = new ArrayList<>();
        long seen = sweeper.runsStarted();
        long end = System.nanoTime() + 4_000_000_000L;
        while (System.nanoTime() < end) {
            long now = sweeper.runsStarted();
            if (now != seen) {
                seen = now;
                startedAt.add(System.nanoTime());
            }
            Thread.sleep(5);
        }
        List<Long> gapsMillis = new ArrayList<>();
        for (int i = 1; i < startedAt.size(); i++) {
            gapsMillis.add((startedAt.get(i) - startedAt.get(i - 1)) / 1_000_000);
        }
        assertThat(gapsMillis).as("gaps between sweeps").hasSizeGreaterThanOrEqualTo(4);
        long median = gapsMillis.stream().sorted().toList().get(gapsMillis.size() / 2);
        assertThat(median).as("median gap between sweeps (ms) of %s", gapsMillis).isBetween(350L, 750L);
    }
}
