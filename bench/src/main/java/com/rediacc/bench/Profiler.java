package com.rediacc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Optional (bench/run --profile): a JFR recording of queue-service and bridge-service during a
 * measured phase, started and stopped with jcmd, summarised with {@code jfr view hot-methods}. The
 * .jfr files and the summaries stay in the profile directory; the top lines go into the results.
 */
final class Profiler {
    private static final List<String> SERVICES = List.of("queue-service", "bridge-service");
    private static final int TOP_LINES = 25;

    private final Path dir;
    private final Map<String, Long> pids;
    private final Path bin = Path.of(System.getProperty("java.home"), "bin");
    private final Map<String, Object> results = new LinkedHashMap<>();

    Profiler(Path dir, Map<String, Long> pids) {
        this.dir = dir;
        this.pids = pids;
    }

    /** {@code java -cp bench/target/rediacc-bench.jar com.rediacc.bench.Profiler FILE.jfr...}: the breakdown of recordings. */
    public static void main(String[] args) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        for (String file : args) {
            System.out.println(file);
            System.out.println(json.writeValueAsString(breakdown(Path.of(file))));
        }
    }

    Map<String, Object> results() {
        return results;
    }

    void start(String label) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            Log.info("profile: cannot create %s: %s", dir, e.getMessage());
            return;
        }
        for (String svc : SERVICES) {
            Long pid = pids.get(svc);
            if (pid == null) {
                continue;
            }
            Path file = dir.resolve(label + "-" + svc + ".jfr").toAbsolutePath();
            String out = run(List.of(bin.resolve("jcmd").toString(), pid.toString(), "JFR.start", "name=bench-" + label,
                    "settings=profile", "filename=" + file));
            if (out == null || !out.contains("Started recording")) {
                Log.info("profile: JFR.start on %s failed: %s", svc, out);
            }
        }
    }

    void stop(String label) {
        Map<String, Object> phase = new LinkedHashMap<>();
        for (String svc : SERVICES) {
            Long pid = pids.get(svc);
            if (pid == null) {
                continue;
            }
            Path file = dir.resolve(label + "-" + svc + ".jfr").toAbsolutePath();
            run(List.of(bin.resolve("jcmd").toString(), pid.toString(), "JFR.stop", "name=bench-" + label));
            if (!Files.isRegularFile(file)) {
                phase.put(svc, "no recording");
                continue;
            }
            String hot = run(List.of(bin.resolve("jfr").toString(), "view", "--width", "200", "hot-methods", file.toString()));
            if (hot == null) {
                phase.put(svc, "jfr view failed");
                continue;
            }
            Path summary = dir.resolve(label + "-" + svc + ".hot-methods.txt");
            try {
                Files.writeString(summary, hot);
            } catch (IOException e) {
                Log.info("profile: cannot write %s: %s", summary, e.getMessage());
            }
            List<String> top = new ArrayList<>();
            for (String line : hot.split("\n")) {
                if (!line.isBlank() && top.size() < TOP_LINES) {
                    top.add(line.stripTrailing());
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("recording", file.toString());
            m.put("samples", breakdown(file));
            m.put("hotMethods", top);
            phase.put(svc, m);
        }
        results.put(label, phase);
        Log.info("profile: %s recorded in %s", label, dir);
    }

    /**
     * Where the CPU samples of a recording went: by thread (numbers stripped), by the package of the
     * executing method, and by the outermost rediacc frame on the stack (the entry point: REST
     * resource, relay, scheduler), as percentages of all samples.
     */
    static Map<String, Object> breakdown(Path file) {
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> byPackage = new HashMap<>();
        Map<String, Integer> byEntry = new HashMap<>();
        int total = 0;
        try {
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (!"jdk.ExecutionSample".equals(e.getEventType().getName()) || e.getStackTrace() == null) {
                    continue;
                }
                total++;
                RecordedThread thread = e.getThread("sampledThread");
                String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
                byThread.merge(name.replaceAll("\\d+", "#"), 1, Integer::sum);
                List<RecordedFrame> frames = e.getStackTrace().getFrames();
                if (!frames.isEmpty()) {
                    byPackage.merge(packageOf(frames.getFirst().getMethod().getType().getName()), 1, Integer::sum);
                }
                String entry = "(no rediacc frame)";
                for (RecordedFrame f : frames) {
                    String type = f.getMethod().getType().getName();
                    if (type.startsWith("com.rediacc.") && !type.contains("$$Lambda")) {
                        entry = type.substring(type.lastIndexOf('.') + 1).replaceAll("_[0-9a-f]{16,}", "")
                                + "." + f.getMethod().getName();
                    }
                }
                byEntry.merge(entry, 1, Integer::sum);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of("error", e.toString());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("executionSamples", total);
        out.put("byThread", top(byThread, total));
        out.put("byPackage", top(byPackage, total));
        out.put("byRediaccEntryPoint", top(byEntry, total));
        return out;
    }

    private static String packageOf(String type) {
        String[] parts = type.split("\\.");
        int keep = Math.min(parts.length - 1, type.startsWith("com.rediacc.") ? 4 : 3);
        return keep <= 0 ? type : String.join(".", java.util.Arrays.copyOf(parts, keep));
    }

    private static Map<String, Object> top(Map<String, Integer> counts, int total) {
        Map<String, Object> out = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(12)
                .forEach(en -> out.put(en.getKey(), Math.round(1000.0 * en.getValue() / Math.max(1, total)) / 10.0 + "%"));
        return out;
    }

    private static String run(List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("bench-profile", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind
                }
            }
        }
    }
}
