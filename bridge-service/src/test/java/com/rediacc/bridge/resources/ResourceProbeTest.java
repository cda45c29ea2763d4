package com.rediacc.bridge.resources;

import com.rediacc.contract.bridge.ResourceSample;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourceProbeTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void readsLoadCpusMemoryAndTheRootFileSystem() {
        String output = """
                0.52 0.34 0.20 2/345 6789
                4
                MemTotal:       16314340 kB
                MemAvailable:    9876543 kB
                Filesystem     1024-blocks      Used Available Capacity Mounted on
                /dev/mapper/vg root 102687672  51343836  46081308      53% /
                """;
        ResourceSample sample = ResourceProbe.parse("m1", AT, output);
        assertThat(sample).isEqualTo(new ResourceSample("m1", AT, 0.52, 0.34, 0.20, 4, 16314340L * 1024,
                9876543L * 1024, 102687672L * 1024, 51343836L * 1024));
    }

    @Test
    void anAnswerWithoutAPartFailsNamingIt() {
        assertThatThrownBy(() -> ResourceProbe.parse("m1", AT, "0.1 0.1 0.1 1/2 3\n4\nMemTotal: 1 kB\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("df -P /");
        assertThatThrownBy(() -> ResourceProbe.parse("m1", AT, "sh: 1: cat: not found\n"))
                .hasMessageContaining("/proc/loadavg");
    }
}
