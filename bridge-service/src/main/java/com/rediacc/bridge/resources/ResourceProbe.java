package com.rediacc.bridge.resources;

import com.rediacc.contract.bridge.ResourceSample;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one command that reads a machine's load, CPUs, memory and root file system (Linux:
 * {@code /proc}, coreutils), and how its output is read.
 */
public final class ResourceProbe {
    public static final String COMMAND = "cat /proc/loadavg; nproc; grep -E '^(MemTotal|MemAvailable):' /proc/meminfo;"
            + " LC_ALL=C df -Pk /";
    private static final Pattern LOADAVG = Pattern.compile("(?m)^(\\d+(?:\\.\\d+)?) (\\d+(?:\\.\\d+)?) (\\d+(?:\\.\\d+)?) \\d+/\\d+ \\d+$");
    private static final Pattern CPUS = Pattern.compile("(?m)^(\\d+)$");
    private static final Pattern MEM_TOTAL = Pattern.compile("(?m)^MemTotal:\\s+(\\d+) kB$");
    private static final Pattern MEM_AVAILABLE = Pattern.compile("(?m)^MemAvailable:\\s+(\\d+) kB$");
    /** {@code df -Pk}'s line of /: 1024-blocks, used, available, capacity, mounted on. */
    private static final Pattern ROOT_FS = Pattern.compile("(?m)^.*\\s(\\d+)\\s+(\\d+)\\s+\\d+\\s+\\d+%\\s+/$");

    private ResourceProbe() {
    }

    /** The sample in {@link #COMMAND}'s output; fails with what it could not find. */
    public static ResourceSample parse(String machine, Instant at, String output) {
        Matcher load = find(LOADAVG, output, "/proc/loadavg");
        Matcher disk = find(ROOT_FS, output, "df -P /");
        return new ResourceSample(machine, at, Double.parseDouble(load.group(1)), Double.parseDouble(load.group(2)),
                Double.parseDouble(load.group(3)), Integer.parseInt(find(CPUS, output, "nproc").group(1)),
                kib(MEM_TOTAL, output, "MemTotal"), kib(MEM_AVAILABLE, output, "MemAvailable"),
                Long.parseLong(disk.group(1)) * 1024, Long.parseLong(disk.group(2)) * 1024);
    }

    private static long kib(Pattern pattern, String output, String what) {
        return Long.parseLong(find(pattern, output, what).group(1)) * 1024;
    }

    private static Matcher find(Pattern pattern, String output, String what) {
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no " + what + " in the machine's answer");
        }
        return matcher;
    }
}
