package com.rediacc.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Issue 19's benchmark: {@code --crons} crons (10,000) over {@code --machines} paused machines (100),
 * all due in the same minute (UTC). How late each run's task is created after its slot, whether a
 * slot ran twice or not at all, and the stack's CPU per fired slot. The machines are paused, so the
 * runs' tasks are only created, never run. bench/crons runs it; see bench/README.md ("Crons").
 * Progress on stderr, the table on stdout, everything in the JSON file of {@code --out}.
 */
public final class CronBench {
    private static final Duration POLL = Duration.ofMillis(50);
    /** The slot's hour plus one of 23 others, its day plus one of 30 others, and the plain one. */
    static final int MAX_EXPRESSIONS = 1 + 23 * 30;
    /** Creation must end this long before the slot: the CPU window starts at the slot on a stack at rest. */
    private static final Duration CREATED_BEFORE_SLOT = Duration.ofSeconds(2);
    private static final List<String> REST_OF_STACK = List.of("bridge-service", "vault-service", "kafka", "sshd");

    private final Map<String, String> opts;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final PgStats pg = new PgStats();
    private QueueApi api;
    private Cpu cpu;
    private String prefix;

    private CronBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) {
        Bench.exit(() -> new CronBench(Bench.parse(args)).run());
    }

    private int intOpt(String name, int fallback) {
        return Bench.intOpt(opts, name, fallback);
    }

    /** 0: measured (goals met or not); 4: could not measure. */
    private int run() throws Exception {
        int crons = intOpt("crons", 10_000);
        int machines = intOpt("machines", 100);
        int clients = intOpt("clients", 16);
        int leadSeconds = intOpt("lead-seconds", 30 + crons / 100);
        int expressions = intOpt("expressions", 1);
        String runId = opts.getOrDefault("run-id", Long.toString(Instant.now().getEpochSecond()));
        if (!runId.matches("[a-z0-9][a-z0-9-]{0,30}") || crons < 1 || machines < 1 || clients < 1) {
            throw new IllegalArgumentException("want --run-id of lowercase letters, digits and '-', and positive counts");
        }
        if (expressions < 1 || expressions > MAX_EXPRESSIONS) {
            throw new IllegalArgumentException("want --expressions from 1 to " + MAX_EXPRESSIONS);
        }
        prefix = "bench-cron-" + runId + "-";
        Path out = Path.of(opts.getOrDefault("out", "bench-crons.json"));
        api = new QueueApi(Bench.env("REDIACC_URL"), Bench.env("REDIACC_TOKEN"));
        Map<String, Long> pids = new LinkedHashMap<>(Bench.stackPids());
        if (!pids.containsKey("queue-service")) {
            throw new IllegalStateException("queue-service is not running (no live PID in .dev/run); run ./dev/stack up");
        }
        pids.put("bench-client", ProcessHandle.current().pid());
        cpu = new Cpu(pids);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("crons", crons);
        settings.put("machines", machines);
        settings.put("clients", clients);
        settings.put("expressions", expressions);
        settings.put("leadSeconds", leadSeconds);
        settings.put("pollMs", POLL.toMillis());
        settings.put("postgres", opts.getOrDefault("pg-durability", "unknown"));
        settings.put("gitRevision", opts.getOrDefault("git-rev", ""));
        results.put("runId", runId);
        results.put("startedAt", Instant.now().toString());
        results.put("settings", settings);
        results.put("stack", pids);

        String couldNotMeasure = null;
        try (CronDb db = new CronDb(prefix)) {
            try {
                List<String> machineNames = registerMachines(machines, clients);
                Instant slot = Instant.now().plusSeconds(leadSeconds).truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
                ZonedDateTime at = slot.atZone(ZoneOffset.UTC);
                List<String> cronStrings = cronStrings(at, expressions);
                results.put("slot", slot.toString());
                results.put("cronString", cronStrings.getFirst() + " (UTC)" + (expressions > 1 ? " and "
                        + (expressions - 1) + " other expressions due at the same slot" : ""));
                createCrons(crons, machineNames, cronStrings, clients, slot);
                int scheduled = db.scheduledAt(slot);
                if (scheduled != crons) {
                    throw new IllegalStateException(scheduled + " of the " + crons + " crons have their next slot at " + slot);
                }
                results.put("firing", fire(db, slot, crons));
            } catch (Exception e) {
                couldNotMeasure = e.getClass().getSimpleName() + ": " + e.getMessage();
                Log.info("could not measure: %s", couldNotMeasure);
            } finally {
                results.put("cleanup", cleanup(db, clients));
            }
        }

        List<Map<String, Object>> table = table(crons, machines, expressions);
        results.put("table", table);
        results.put("couldNotMeasure", couldNotMeasure);
        results.put("finishedAt", Instant.now().toString());
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
        StringBuilder printed = new StringBuilder(Table.format(table));
        printed.append("\nPostgreSQL: ").append(settings.get("postgres")).append('\n');
        if (couldNotMeasure != null) {
            printed.append("\ncould not measure: ").append(couldNotMeasure).append('\n');
        }
        System.out.print(printed);
        System.out.flush();
        Log.info("results written to %s", out);
        return couldNotMeasure == null ? 0 : 4;
    }

    /** Machines on the dev stack's sshd, as Bench registers its own, paused: runs are created, never started. */
    private List<String> registerMachines(int count, int clients) throws Exception {
        int port = Integer.parseInt(Bench.env("SSH_PORT"));
        String user = Bench.env("DEMO_SSH_USER");
        String hostKey = Bench.env("DEMO_SSH_HOST_KEY");
        String credential = opts.getOrDefault("credential", "demo-01");
        String team = opts.getOrDefault("team", "default");
        List<String> names = IntStream.range(0, count).mapToObj(i -> String.format("%sm%03d", prefix, i)).toList();
        Parallel.Outcome registered = Parallel.forEach(names, clients, Duration.ofSeconds(120), name -> {
            api.registerMachine(name, team, port, user, hostKey, credential, 8);
            api.pause(name);
        });
        if (!registered.complete()) {
            throw new IllegalStateException("registering the machines: " + registered.describe());
        }
        Log.info("registered %d paused machines %s..%s in %.1f s", count, names.getFirst(), names.getLast(), registered.seconds());
        results.put("machines", Map.of("count", count, "first", names.getFirst(), "last", names.getLast(), "team", team,
                "credential", credential, "paused", true));
        return names;
    }

    /**
     * {@code count} distinct expressions whose first slot after the lead time is {@code at}: the slot's
     * minute and hour with another hour and another day of the month added (crons that share an
     * expression share its slot computations; --expressions shows what distinct ones cost).
     */
    static List<String> cronStrings(ZonedDateTime at, int count) {
        List<Integer> otherHours = IntStream.range(0, 24).filter(h -> h != at.getHour()).boxed().toList();
        List<Integer> otherDays = IntStream.rangeClosed(1, 31).filter(d -> d != at.getDayOfMonth()).boxed().toList();
        List<String> strings = new ArrayList<>(count);
        strings.add(at.getMinute() + " " + at.getHour() + " * * *");
        for (int i = 0; strings.size() < count; i++) {
            strings.add(String.format("%d %d,%d %d,%d * *", at.getMinute(), at.getHour(), otherHours.get(i % otherHours.size()),
                    at.getDayOfMonth(), otherDays.get(i / otherHours.size())));
        }
        return strings;
    }

    private void createCrons(int count, List<String> machines, List<String> cronStrings, int clients, Instant slot)
            throws Exception {
        Log.info("creating %d crons `%s`%s (UTC) over %d machines, %d clients; the slot is %s", count, cronStrings.getFirst(),
                cronStrings.size() > 1 ? " and " + (cronStrings.size() - 1) + " other expressions" : "", machines.size(),
                clients, slot);
        List<Integer> indexes = IntStream.range(0, count).boxed().toList();
        Duration limit = Duration.between(Instant.now(), slot.minus(CREATED_BEFORE_SLOT));
        Parallel.Outcome created = Parallel.forEach(indexes, clients, limit, i -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", cronName(i));
            body.put("machine", machines.get(i % machines.size()));
            body.put("command", "true");
            body.put("cronString", cronStrings.get(i % cronStrings.size()));
            body.put("timezone", "UTC");
            api.createCron(body);
        });
        Map<String, Object> creation = new LinkedHashMap<>();
        creation.put("created", created.done());
        creation.put("failed", created.failed());
        creation.put("seconds", Stats.round(created.seconds()));
        creation.put("perSecond", Stats.round(created.done() / created.seconds()));
        creation.put("secondsLeftBeforeSlot", Stats.round(Duration.between(Instant.now(), slot).toMillis() / 1000.0));
        results.put("creation", creation);
        if (!created.complete()) {
            throw new IllegalStateException("creating the crons by " + CREATED_BEFORE_SLOT.toSeconds()
                    + " s before the slot: " + created.describe() + " (a longer --lead-seconds gives creation more time)");
        }
        Log.info("created %d crons in %.1f s (%.0f/s); %s s left before the slot", count, created.seconds(),
                count / created.seconds(), creation.get("secondsLeftBeforeSlot"));
    }

    private String cronName(int i) {
        return String.format("%s%05d", prefix, i);
    }

    /**
     * From the slot until every cron of the bench has fired (polled in the database every 50 ms, the
     * CPU window ends there), then each run's lateness from the database's own timestamps.
     */
    private Map<String, Object> fire(CronDb db, Instant slot, int count) throws Exception {
        Log.info("waiting %d s for the slot", Math.max(0, Duration.between(Instant.now(), slot).toSeconds()));
        Instant quietFrom = slot.minusSeconds(5);
        sleepUntil(quietFrom);
        Cpu.Snapshot before = cpu.snapshot();
        sleepUntil(slot.minusMillis(300));
        Map<String, Long> pgAtSlot = pg.snapshot();
        sleepUntil(slot);
        Cpu.Snapshot atSlot = cpu.snapshot();

        Duration limit = Duration.ofSeconds(intOpt("fire-timeout-seconds", Math.max(60, count / 50)));
        Instant deadline = slot.plus(limit);
        // created_at is the scheduler transaction's start; when each batch became visible (committed)
        // is known to the poll's resolution: each poll's newly fired crons get the poll's time
        List<Double> seenMs = new ArrayList<>();
        int due = count;
        Instant nextLog = Instant.now().plusSeconds(5);
        while (due > 0 && Instant.now().isBefore(deadline)) {
            int stillDue = db.stillDueAt(slot);
            double sinceSlot = Duration.between(slot, Instant.now()).toNanos() / 1e6;
            for (int i = stillDue; i < due; i++) {
                seenMs.add(sinceSlot);
            }
            due = stillDue;
            if (due > 0) {
                Thread.sleep(POLL);
            }
            if (Instant.now().isAfter(nextLog)) {
                Log.info("  ... %d of %d crons not fired yet", due, count);
                nextLog = Instant.now().plusSeconds(5);
            }
        }
        Instant allFired = Instant.now();
        Cpu.Snapshot end = cpu.snapshot();
        Map<String, Long> pgEnd = pg.snapshot();
        if (due > 0) {
            Log.info("%d crons had not fired %d s after the slot", due, limit.toSeconds());
        }

        List<CronDb.Run> runs = db.runs();
        Map<String, Integer> tasksPerCron = db.tasksPerCron();
        List<Double> lateness = new ArrayList<>();
        Map<String, Integer> withoutTask = new TreeMap<>();
        Set<String> distinct = new HashSet<>();
        int atOtherSlots = 0;
        for (CronDb.Run run : runs) {
            distinct.add(run.cron() + "@" + run.slot());
            if (!run.slot().equals(slot)) {
                atOtherSlots++;
            } else if (run.latenessMs() != null) {
                lateness.add(run.latenessMs());
            } else {
                withoutTask.merge(run.outcome() == null ? "task missing" : run.outcome(), 1, Integer::sum);
            }
        }
        int notOneTask = 0;
        for (int i = 0; i < count; i++) {
            if (tasksPerCron.getOrDefault(cronName(i), 0) != 1) {
                notOneTask++;
            }
        }
        Map<String, Object> latenessMs = Stats.summary(lateness);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("slot", slot.toString());
        out.put("notFiredAtEnd", due);
        out.put("runs", runs.size());
        out.put("runsWithTask", lateness.size());
        out.put("runsWithoutTask", withoutTask);
        out.put("runsAtOtherSlots", atOtherSlots);
        out.put("duplicateRuns", runs.size() - distinct.size());
        out.put("tasks", tasksPerCron.values().stream().mapToInt(Integer::intValue).sum());
        out.put("cronsWithoutExactlyOneTask", notOneTask);
        out.put("latenessMs", latenessMs);
        out.put("seenCommittedMs", Stats.summary(seenMs));
        out.put("allFiredSeenAfterMs", Stats.round(Duration.between(slot, allFired).toNanos() / 1e6));
        out.put("cpuBeforeSlot", Cpu.between(before, atSlot, 0));
        Map<String, Object> cpuUsed = Cpu.between(atSlot, end, lateness.size());
        out.put("cpu", cpuUsed);
        out.put("postgres", PgStats.between(pgAtSlot, pgEnd, lateness.size()));
        Log.info("%d runs with a task, lateness p50 %s / p99 %s / max %s ms; committed p99 %s ms, all %s ms after the slot",
                lateness.size(), latenessMs.get("p50"), latenessMs.get("p99"), latenessMs.get("max"),
                Stats.summary(seenMs).get("p99"), out.get("allFiredSeenAfterMs"));
        Log.info("CPU-ms per fired slot: %s", Cpu.perTask(cpuUsed));
        return out;
    }

    /** Deletes the bench's crons, cancels their runs' PENDING tasks; the machines stay paused. */
    private Map<String, Object> cleanup(CronDb db, int clients) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            List<String> names = db.cronNames();
            Parallel.Outcome deleted = Parallel.forEach(names, clients, Duration.ofSeconds(180), api::deleteCron);
            out.put("cronsDeleted", deleted.done());
            List<String> pending = db.pendingTasks();
            int cancelled = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            for (int i = 0; i < pending.size() && System.nanoTime() < deadline; i += 1000) {
                cancelled += api.cancel(pending.subList(i, Math.min(pending.size(), i + 1000)));
            }
            out.put("tasksCancelled", cancelled);
            out.put("pendingTasks", pending.size());
            Log.info("cleanup: deleted %d crons (%s), cancelled %d of %d PENDING tasks; machines %s* stay paused",
                    deleted.done(), deleted.describe(), cancelled, pending.size(), prefix + "m");
            if (!deleted.complete() || cancelled < pending.size()) {
                out.put("error", "incomplete: " + deleted.describe() + "; " + cancelled + " of " + pending.size() + " cancelled");
            }
        } catch (Exception e) {
            out.put("error", e.toString());
            Log.info("cleanup FAILED: %s", e);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> table(int crons, int machines, int expressions) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (results.get("creation") instanceof Map<?, ?> c) {
            rows.add(Table.row("crons created over " + machines + " paused machines, " + expressions + " expression"
                    + (expressions == 1 ? "" : "s") + " (" + c.get("seconds") + " s)",
                    ((Integer) c.get("created")).doubleValue(), "", null, null));
            rows.add(Table.row("cron creates per second, POST /api/v1/crons", (Double) c.get("perSecond"), "/s", null, null));
        }
        if (!(results.get("firing") instanceof Map<?, ?> f)) {
            rows.add(Table.row("runs: not measured", null, "", "p99 < 1 s", null));
            return rows;
        }
        int withTask = (Integer) f.get("runsWithTask");
        rows.add(Table.row("runs with a task, slot " + results.get("slot"), (double) withTask, "", "= " + crons,
                withTask == crons));
        Map<String, Object> lateness = (Map<String, Object>) f.get("latenessMs");
        if (lateness.get("p99") instanceof Double p99) {
            rows.add(Table.row("lateness p50: task created_at - slot", (Double) lateness.get("p50"), " ms", null, null));
            rows.add(Table.row("lateness p90", (Double) lateness.get("p90"), " ms", null, null));
            rows.add(Table.row("lateness p99", p99, " ms", "< 1000 ms", p99 < 1000));
            rows.add(Table.row("lateness max (the last run)", (Double) lateness.get("max"), " ms", null, null));
        }
        Map<String, Object> seen = (Map<String, Object>) f.get("seenCommittedMs");
        if (seen.get("p99") instanceof Double seenP99) {
            rows.add(Table.row("lateness p99 as committed, seen by 50 ms polls (upper bound)", seenP99, " ms", null, null));
        }
        rows.add(Table.row("all fired, seen by 50 ms polls - slot", (Double) f.get("allFiredSeenAfterMs"), " ms", null, null));
        Map<String, Integer> withoutTask = (Map<String, Integer>) f.get("runsWithoutTask");
        int without = withoutTask.values().stream().mapToInt(Integer::intValue).sum();
        rows.add(Table.row("runs without a task" + (without == 0 ? "" : " " + withoutTask), (double) without, "", "0",
                without == 0));
        int duplicates = (Integer) f.get("duplicateRuns");
        rows.add(Table.row("duplicate runs per (cron, slot)", (double) duplicates, "", "0", duplicates == 0));
        int otherSlots = (Integer) f.get("runsAtOtherSlots");
        rows.add(Table.row("runs at another slot", (double) otherSlots, "", "0", otherSlots == 0));
        int notOne = (Integer) f.get("cronsWithoutExactlyOneTask");
        rows.add(Table.row("crons without exactly 1 task", (double) notOne, "", "0", notOne == 0));
        if (withTask > 0) {
            Map<String, Object> used = (Map<String, Object>) f.get("cpu");
            Map<String, Map<String, Object>> components = (Map<String, Map<String, Object>>) used.get("components");
            rows.add(Table.row(String.format(Locale.ROOT, "CPU per fired slot: queue-service (JIT %.0f us)",
                    microsPerSlot(components, "queue-service", "jitCpuMs", withTask)),
                    microsPerSlot(components, "queue-service", "cpuMs", withTask), " us", null, null));
            rows.add(Table.row("CPU per fired slot: PostgreSQL", microsPerSlot(components, "postgres", "cpuMs", withTask),
                    " us", null, null));
            double rest = REST_OF_STACK.stream().mapToDouble(name -> microsPerSlot(components, name, "cpuMs", withTask)).sum();
            rows.add(Table.row("CPU per fired slot: rest of the stack (" + String.join(", ", REST_OF_STACK) + ")", rest,
                    " us", null, null));
            rows.add(Table.row("CPU per fired slot: this bench (polling)", microsPerSlot(components, "bench-client", "cpuMs",
                    withTask), " us", null, null));
            rows.add(Table.row("machine busy from the slot to the last run (of " + used.get("machineCores") + "; "
                    + used.get("otherCores") + " outside the stack)", (Double) used.get("machineBusyCores"), " cores", null, null));
        }
        return rows;
    }

    private static double microsPerSlot(Map<String, Map<String, Object>> components, String name, String field, int slots) {
        Map<String, Object> c = components.get(name);
        return c != null && c.get(field) instanceof Double ms ? Stats.round(1000 * ms / slots) : 0;
    }

    private static void sleepUntil(Instant t) throws InterruptedException {
        long ms = Duration.between(Instant.now(), t).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }
}
