package com.rediacc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 20's figure: the memory of the console's task page ({@code /tasks/{id}}) after {@code --minutes}
 * (60) of live output. One task on a machine registered on the stack's sshd (credential demo-01, so it
 * really runs) prints a line of 100 bytes every {@code --line-ms} (100) ms ({@code line <n> <epoch s> <filler>}) for the
 * whole run; a headless Debian chromium (by its path, through chromium-driver: nothing downloaded)
 * signs in through the real sign-in page with the stack's admin token and keeps the task's page open,
 * following. Every {@code --sample-seconds} (60) it takes, in the page: {@code performance.memory}
 * (precise: {@code --enable-precise-memory-info}), DevTools' {@code Performance.getMetrics}
 * (JSHeapUsedSize, Nodes, Documents, LayoutCount, ...) before and after a forced garbage collection
 * ({@code HeapProfiler.collectGarbage}: the heap that is still referenced, the figure a leak shows in),
 * the DOM's elements, the output element's length, and whether the page follows (its last line is the
 * task's newest stored line within {@link #FOLLOW_LIMIT}, scrolled to the end); outside the page the
 * RSS of the browser's renderer processes (/proc, children of our chromedriver with
 * {@code --type=renderer}).
 *
 * <p>The bridge keeps at most {@code rediacc.bridge.output.max-bytes} (1 MiB by default) of a task's
 * output: past it nothing new reaches queue-service or the page. The result says how much the command
 * printed, how much was kept and when the cap was reached (from the kept lines' own timestamps).
 * bench/console-memory runs it; progress on stderr, the table on stdout, everything in {@code --out}.
 * Exit 0 measured, 4 could not measure (no chromium), 2 failed.
 */
public final class ConsolePageMemoryBench {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final List<String> CHROME_ARGS = List.of("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
            "--disable-gpu", "--window-size=1400,900", "--no-first-run", "--disable-extensions",
            "--enable-precise-memory-info");
    /** The page's own window on the output (task.js TAIL): it keeps no more than this many characters. */
    static final int PAGE_TAIL_CHARS = 256 * 1024;
    /** The page must show the task's newest stored line within this (heartbeat 2 s + tick 500 ms + room). */
    static final Duration FOLLOW_LIMIT = Duration.ofSeconds(15);
    static final Duration WAIT = Duration.ofSeconds(60);
    /** The command outlives the last sample by this much, then ends by itself (its output then says what was dropped). */
    static final int COMMAND_EXTRA_SECONDS = 45;
    static final int LINE_BYTES = 100;
    static final Pattern LINE = Pattern.compile("^line (\\d{8}) (\\d+) ");
    static final Pattern TRUNCATED = Pattern.compile("\\[output truncated: (\\d+) more bytes after the first (\\d+)]");
    /** Held: a logger only referenced by name may be collected with its level. */
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");
    static final List<Integer> TABLE_MINUTES = List.of(1, 10, 30, 60);
    /** Bounded: after the warm-up, the retained heap grows less than this per hour and the DOM not at all. */
    static final double BOUNDED_HEAP_MIB_PER_HOUR = 1.0;
    static final double BOUNDED_NODES_PER_HOUR = 100;
    private static final String PAGE_STATE = """
            const pre = document.getElementById('output');
            const text = pre ? pre.textContent : '';
            const trimmed = text.replace(/\\n+$/, '');
            const last = trimmed.substring(trimmed.lastIndexOf('\\n') + 1);
            return {chars: text.length, lastLine: last.substring(0, 120),
                    following: pre ? pre.dataset.following || '' : '',
                    atBottom: pre ? pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4 : false,
                    ended: document.body.dataset.outputEnded || '',
                    note: (document.getElementById('output-note') || {}).textContent || ''};""";
    private static final String MEMORY = """
            const m = performance.memory;
            return {used: m ? m.usedJSHeapSize : null, total: m ? m.totalJSHeapSize : null,
                    limit: m ? m.jsHeapSizeLimit : null, elements: document.getElementsByTagName('*').length};""";

    private final Map<String, String> opts;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<Map<String, Object>> samples = new ArrayList<>();
    private QueueApi api;
    private ChromeDriver driver;
    private String taskId;
    private String machine;
    private int lineMs;

    private ConsolePageMemoryBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("SE_OFFLINE", "true");
        // executeCdpCommand goes through chromium-driver; Selenium's own DevTools classes (versioned) are not used
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
        Map<String, String> opts;
        try {
            opts = Bench.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Bench.exit(() -> new ConsolePageMemoryBench(opts).run());
    }

    private int run() throws Exception {
        int minutes = Bench.intOpt(opts, "minutes", 60);
        int sampleSeconds = Bench.intOpt(opts, "sample-seconds", 60);
        lineMs = Bench.intOpt(opts, "line-ms", 100);
        if (lineMs < 10 || minutes < 1 || sampleSeconds < 1) {
            throw new IllegalArgumentException("--line-ms at least 10, --minutes and --sample-seconds at least 1");
        }
        String runId = opts.getOrDefault("run-id", "manual");
        Path out = Path.of(opts.getOrDefault("out", "console-memory.json"));
        results.put("benchmark", "console-memory");
        results.put("runId", runId);
        results.put("gitRev", opts.getOrDefault("git-rev", "unknown"));
        results.put("minutes", minutes);
        results.put("sampleSeconds", sampleSeconds);
        results.put("lineMs", lineMs);
        results.put("loadAverage", loadAverage());
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "could not measure: the console memory benchmark needs Debian's chromium and chromium-driver at "
                    + CHROMIUM + " and " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)";
            System.err.println("bench: " + why);
            results.put("error", why);
            write(out);
            return 4;
        }
        String base = Bench.env("REDIACC_URL").replaceAll("/+$", "");
        String token = Bench.env("REDIACC_TOKEN");
        api = new QueueApi(base, token);
        try {
            registerMachine(runId);
            createTask(minutes * 60 + COMMAND_EXTRA_SECONDS, lineMs);
            awaitRunning();
            openPage(base, token);
            sampleFor(minutes, sampleSeconds);
            results.put("end", end(minutes * 60 + COMMAND_EXTRA_SECONDS));
        } catch (Exception e) {
            results.put("error", e.toString());
            throw e;
        } finally {
            results.put("cleanup", cleanup());
            results.put("samples", samples);
            summarize(minutes);
            write(out);
        }
        return 0;
    }

    // ------------------------------------------------------------------ the task

    private void registerMachine(String runId) throws Exception {
        machine = "bench-mem-" + runId;
        String credential = opts.getOrDefault("credential", "demo-01");
        // team "default": dev/stack stores the demo-01 credential in that team's vault
        api.registerMachine(machine, opts.getOrDefault("team", "default"), Integer.parseInt(Bench.env("SSH_PORT")),
                Bench.env("DEMO_SSH_USER"), Bench.env("DEMO_SSH_HOST_KEY"), credential, 1);
        Log.info("registered %s on the stack's sshd (credential %s, maxConcurrency 1)", machine, credential);
        results.put("machine", Map.of("name", machine, "credential", credential, "sshPort", Bench.env("SSH_PORT")));
    }

    /** A line of {@link #LINE_BYTES} bytes every {@code lineMs} ms: {@code line <n, 8 digits> <epoch s> <filler>}. */
    static String command(int seconds, int lineMs) {
        String sleep = String.format(Locale.ROOT, "%d.%03d", lineMs / 1000, lineMs % 1000);
        String filler = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijk"; // 74 chars
        return "i=0; end=$(( $(date +%s) + " + seconds + " )); now=$(date +%s); while [ $now -lt $end ]; do i=$((i+1)); "
                + "printf 'line %08d %s %s\\n' $i $now " + filler + "; sleep " + sleep + "; now=$(date +%s); done; echo \"done $i lines\"";
    }

    private void createTask(int seconds, int lineMs) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("machine", machine);
        body.put("command", command(seconds, lineMs));
        body.put("maxRetries", 0);
        body.put("timeoutSeconds", seconds + 600);
        QueueApi.Reply reply = api.post("/api/v1/tasks", body);
        if (reply.status() != 201) {
            throw new IllegalStateException("creating the task failed: HTTP " + reply.status() + ": " + QueueApi.abbreviate(reply.body()));
        }
        taskId = reply.json(api.json).path("taskId").asText();
        Log.info("task %s: a %d-byte line every %d ms for %d s (timeout %d s)", taskId, LINE_BYTES, lineMs, seconds, seconds + 600);
        results.put("task", new LinkedHashMap<>(Map.of("id", taskId, "command", body.get("command"),
                "timeoutSeconds", seconds + 600, "commandSeconds", seconds)));
    }

    private void awaitRunning() throws Exception {
        Instant limit = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(limit)) {
            JsonNode t = api.task(taskId);
            String status = t.path("status").asText();
            if ("PROCESSING".equals(status) && !t.path("output").asText("").isEmpty()) {
                task().put("startedAt", t.path("startedAt").asText());
                return;
            }
            if (Bench.TERMINAL.contains(status)) {
                throw new IllegalStateException("the task ended before the page was opened: " + status + " " + t.path("error").asText());
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the task was not running with output " + WAIT.toSeconds() + " s after it was created");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> task() {
        return (Map<String, Object>) results.get("task");
    }

    // ------------------------------------------------------------------ the page

    private void openPage(String base, String token) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(CHROME_ARGS);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        WebDriverWait wait = new WebDriverWait(driver, WAIT, Duration.ofMillis(100));
        String page = "/tasks/" + taskId;
        Instant started = Instant.now();
        // sign in through the form, as ConsoleBrowser does: the token typed once, the task's page asked for
        driver.get(base + "/sign-in?next=" + URLEncoder.encode(page, StandardCharsets.UTF_8));
        driver.findElement(By.id("token")).sendKeys(token);
        driver.findElement(By.id("sign-in")).click();
        wait.withMessage("signed in").until(d -> !d.getCurrentUrl().contains("/sign-in"));
        if (!driver.getCurrentUrl().endsWith(page)) {
            driver.get(base + page);
        }
        wait.withMessage("the task page loaded its data")
                .until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        wait.withMessage("the output shown").until(d -> ((Number) pageState().get("chars")).longValue() > 0);
        driver.executeCdpCommand("Performance.enable", Map.of());
        Map<String, Object> browser = new LinkedHashMap<>();
        browser.put("chromium", driver.getCapabilities().getBrowserVersion());
        browser.put("args", CHROME_ARGS);
        browser.put("page", page);
        browser.put("openedMs", Duration.between(started, Instant.now()).toMillis());
        results.put("browser", browser);
        Log.info("chromium %s signed in and follows %s", driver.getCapabilities().getBrowserVersion(), page);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> pageState() {
        return (Map<String, Object>) ((JavascriptExecutor) driver).executeScript(PAGE_STATE);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> memory() {
        return (Map<String, Object>) ((JavascriptExecutor) driver).executeScript(MEMORY);
    }

    private Map<String, Object> cdpMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        Object metrics = driver.executeCdpCommand("Performance.getMetrics", Map.of()).get("metrics");
        if (metrics instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> e && List.of("JSHeapUsedSize", "JSHeapTotalSize", "Nodes", "Documents", "Frames",
                        "JSEventListeners", "LayoutCount", "RecalcStyleCount", "LayoutObjects").contains(String.valueOf(e.get("name")))) {
                    m.put(String.valueOf(e.get("name")), e.get("value"));
                }
            }
        }
        return m;
    }

    private void sampleFor(int minutes, int sampleSeconds) throws Exception {
        Instant t0 = Instant.now();
        results.put("pageOpenedAt", t0.toString());
        int count = minutes * 60 / sampleSeconds;
        for (int k = 1; k <= count; k++) {
            Instant due = t0.plusSeconds((long) k * sampleSeconds);
            long wait = Duration.between(Instant.now(), due).toMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            Map<String, Object> s = sample(t0);
            samples.add(s);
            Log.info("%5.1f min: heap %.2f MiB (after GC %.2f), DOM %s elements / %s nodes, output %s chars, line %s vs %s stored, follows %s (%s ms), renderer %s MiB",
                    s.get("minute"), mib(s.get("usedJSHeapSize")), mib(s.get("usedJSHeapSizeAfterGc")), s.get("domElements"),
                    ((Map<?, ?>) s.get("cdpAfterGc")).get("Nodes"), s.get("outputChars"), s.get("pageLastLine"),
                    s.get("storedLastLine"), s.get("follows"), s.get("followLagMs"), s.get("rendererRssMiB"));
        }
    }

    private Map<String, Object> sample(Instant t0) throws Exception {
        Map<String, Object> s = new LinkedHashMap<>();
        Instant at = Instant.now();
        s.put("minute", Stats.round(Duration.between(t0, at).toMillis() / 60000.0));
        s.put("at", at.toString());
        // the task's newest stored line (what the bridge has reported), then the page catching up with it
        JsonNode t = api.task(taskId);
        String stored = t.path("output").asText("");
        long storedLine = lastLineNumber(stored);
        s.put("taskStatus", t.path("status").asText());
        s.put("storedOutputChars", stored.length());
        s.put("storedLastLine", storedLine);
        s.put("storedOutputTruncated", t.path("outputTruncated").asBoolean(false));
        s.put("printedLinesEstimate", printedLinesEstimate(at));
        Instant checkStart = Instant.now();
        Map<String, Object> state = pageState();
        while (lastLineNumber(String.valueOf(state.get("lastLine"))) < storedLine
                && Duration.between(checkStart, Instant.now()).compareTo(FOLLOW_LIMIT) < 0) {
            Thread.sleep(200);
            state = pageState();
        }
        long pageLine = lastLineNumber(String.valueOf(state.get("lastLine")));
        boolean caughtUp = pageLine >= storedLine;
        s.put("pageLastLine", pageLine);
        s.put("followLagMs", caughtUp ? Duration.between(checkStart, Instant.now()).toMillis() : null);
        s.put("pageFollowingFlag", state.get("following"));
        s.put("pageAtBottom", state.get("atBottom"));
        s.put("follows", caughtUp && "true".equals(state.get("following")) && Boolean.TRUE.equals(state.get("atBottom")));
        s.put("outputChars", state.get("chars"));
        s.put("outputNote", state.get("note"));
        // memory as it is, then after a forced collection (what is still referenced)
        Map<String, Object> mem = memory();
        s.put("usedJSHeapSize", mem.get("used"));
        s.put("totalJSHeapSize", mem.get("total"));
        s.put("jsHeapSizeLimit", mem.get("limit"));
        s.put("domElements", mem.get("elements"));
        s.put("cdp", cdpMetrics());
        driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
        Map<String, Object> after = memory();
        s.put("usedJSHeapSizeAfterGc", after.get("used"));
        s.put("totalJSHeapSizeAfterGc", after.get("total"));
        s.put("cdpAfterGc", cdpMetrics());
        // one renderer is the page's, another may be a spare: the largest is taken for the page
        Map<String, Map<String, Double>> renderers = rendererRss();
        s.put("renderers", renderers);
        Optional<Map<String, Double>> largest = renderers.values().stream().max((a, b) -> Double.compare(a.get("rssMiB"), b.get("rssMiB")));
        s.put("rendererRssMiB", largest.map(r -> r.get("rssMiB")).orElse(null));
        s.put("rendererRssAnonMiB", largest.map(r -> r.get("rssAnonMiB")).orElse(null));
        return s;
    }

    /** Lines the command printed by {@code at}: one per {@code --line-ms} from its start (an estimate: the loop adds to the sleep). */
    private Long printedLinesEstimate(Instant at) {
        Object started = task().get("startedAt");
        if (started == null) {
            return null;
        }
        return Duration.between(Instant.parse(started.toString()), at).toMillis() / lineMs;
    }

    static long lastLineNumber(String text) {
        long last = -1;
        int end = text.length();
        // the last line that is one of the command's (the end marker lines are not)
        while (end > 0) {
            int start = text.lastIndexOf('\n', end - 1) + 1;
            Matcher m = LINE.matcher(text.substring(start, end));
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            if (start == 0) {
                break;
            }
            end = start - 1;
            if (text.length() - end > 4096) {
                break;
            }
        }
        return last;
    }

    /**
     * RSS (VmRSS) and its private anonymous part (RssAnon) of the renderer processes of our browser
     * (descendants of this JVM with --type=renderer), MiB by pid.
     */
    static Map<String, Map<String, Double>> rendererRss() {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        ProcessHandle.current().descendants().forEach(p -> {
            try {
                String cmd = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
                if (!cmd.contains("--type=renderer")) {
                    return;
                }
                Map<String, Double> m = new LinkedHashMap<>();
                for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:") || line.startsWith("RssAnon:")) {
                        m.put(line.startsWith("VmRSS:") ? "rssMiB" : "rssAnonMiB",
                                Stats.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0));
                    }
                }
                if (m.containsKey("rssMiB")) {
                    out.put(Long.toString(p.pid()), m);
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ the end

    /** Waits for the command to end by itself; what it printed against what was kept, when the cap was reached. */
    private Map<String, Object> end(int commandSeconds) throws Exception {
        Map<String, Object> end = new LinkedHashMap<>();
        Instant started = Instant.parse(task().get("startedAt").toString());
        Instant limit = started.plusSeconds(commandSeconds + 90);
        JsonNode t = api.task(taskId);
        while (!Bench.TERMINAL.contains(t.path("status").asText()) && Instant.now().isBefore(limit)) {
            Thread.sleep(1000);
            t = api.task(taskId);
        }
        String status = t.path("status").asText();
        end.put("status", status);
        end.put("exitCode", t.path("exitCode").isNull() ? null : t.path("exitCode").asInt());
        String output = t.path("output").asText("");
        Matcher marker = TRUNCATED.matcher(output);
        String kept = output;
        if (marker.find()) {
            kept = output.substring(0, marker.start());
            kept = kept.endsWith("\n") ? kept.substring(0, kept.length() - 1) : kept; // the marker's own line break
        }
        long keptBytes = kept.getBytes(StandardCharsets.UTF_8).length;
        end.put("outputTruncated", t.path("outputTruncated").asBoolean(false));
        end.put("keptBytes", keptBytes);
        end.put("lastKeptLine", lastLineNumber(kept));
        if (marker.find(0)) {
            long dropped = Long.parseLong(marker.group(1));
            end.put("droppedBytes", dropped);
            end.put("maxBytes", Long.parseLong(marker.group(2)));
            end.put("printedBytes", keptBytes + dropped);
            end.put("printedLines", (keptBytes + dropped) / LINE_BYTES);
        } else {
            Matcher done = Pattern.compile("done (\\d+) lines").matcher(output);
            end.put("droppedBytes", 0);
            end.put("printedBytes", keptBytes);
            if (done.find()) {
                end.put("printedLines", Long.parseLong(done.group(1)));
            }
        }
        // when the cap was reached: the kept output's last line carries the second it was printed
        Matcher lastLine = null;
        for (String line : kept.substring(Math.max(0, kept.length() - 4096)).split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                lastLine = m;
            }
        }
        if (lastLine != null && Boolean.TRUE.equals(end.get("outputTruncated"))) {
            Instant capAt = Instant.ofEpochSecond(Long.parseLong(lastLine.group(2)));
            end.put("capReachedAt", capAt.toString());
            end.put("capReachedAfterMinutes", Stats.round(Duration.between(started, capAt).toMillis() / 60000.0));
            Object opened = results.get("pageOpenedAt");
            if (opened != null) {
                end.put("capReachedAtPageMinute", Stats.round(Duration.between(Instant.parse(opened.toString()), capAt).toMillis() / 60000.0));
            }
        }
        // the page saw the end too (the marker line, the final status)
        if (driver != null && Bench.TERMINAL.contains(status)) {
            Instant until = Instant.now().plusSeconds(15);
            Map<String, Object> state = pageState();
            while (String.valueOf(state.get("ended")).isEmpty() && Instant.now().isBefore(until)) {
                Thread.sleep(200);
                state = pageState();
            }
            end.put("pageEnded", state.get("ended"));
            end.put("pageLastLineText", state.get("lastLine"));
            end.put("pageOutputChars", state.get("chars"));
        }
        Log.info("task %s: printed %s bytes, %s kept (cap %s), last kept line %s, cap reached after %s min",
                status, end.get("printedBytes"), keptBytes, end.get("maxBytes"), end.get("lastKeptLine"), end.get("capReachedAfterMinutes"));
        return end;
    }

    private Map<String, Object> cleanup() {
        Map<String, Object> c = new LinkedHashMap<>();
        if (driver != null) {
            try {
                driver.quit();
                c.put("browser", "quit");
            } catch (RuntimeException e) {
                c.put("browser", e.toString());
            }
        }
        if (taskId != null) {
            try {
                String status = api.task(taskId).path("status").asText();
                c.put("taskStatus", status);
                if (!Bench.TERMINAL.contains(status)) {
                    c.put("cancelled", api.cancel(List.of(taskId)));
                }
            } catch (Exception e) {
                c.put("task", e.toString());
            }
        }
        if (machine != null) {
            try {
                api.pause(machine);
                c.put("machine", "paused");
            } catch (Exception e) {
                c.put("machine", e.toString());
            }
        }
        return c;
    }

    // ------------------------------------------------------------------ the figures

    private void summarize(int minutes) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (samples.isEmpty()) {
            results.put("table", rows);
            return;
        }
        List<Integer> points = new ArrayList<>(TABLE_MINUTES.stream().filter(m -> m <= samples.size()).toList());
        if (!points.contains(samples.size())) {
            points.add(samples.size());
        }
        for (int m : points) {
            Map<String, Object> s = samples.get(m - 1);
            String at = " at " + m + " min";
            rows.add(Table.row("JS heap used after GC" + at, mib(s.get("usedJSHeapSizeAfterGc")), " MiB", null, null));
            rows.add(Table.row("JS heap used / total" + at + " (" + String.format(Locale.ROOT, "%.1f", mib(s.get("totalJSHeapSize"))) + " MiB total)",
                    mib(s.get("usedJSHeapSize")), " MiB", null, null));
            rows.add(Table.row("DOM nodes (CDP)" + at + " (" + s.get("domElements") + " elements)",
                    number(((Map<?, ?>) s.get("cdpAfterGc")).get("Nodes")), "", null, null));
            rows.add(Table.row("output chars in the page" + at, number(s.get("outputChars")), "", "<= " + PAGE_TAIL_CHARS,
                    number(s.get("outputChars")) <= PAGE_TAIL_CHARS));
            rows.add(Table.row("renderer RSS" + at + " (anon " + s.get("rendererRssAnonMiB") + " MiB)",
                    (Double) s.get("rendererRssMiB"), " MiB", null, null));
        }
        // growth per hour: least squares over the samples after the warm-up (the page's window full, 10 min; half a short run)
        int from = Math.min(10, Math.max(1, samples.size() / 2));
        List<Map<String, Object>> steady = samples.subList(from - 1, samples.size());
        Map<String, Object> growth = new LinkedHashMap<>();
        growth.put("fromMinute", from);
        growth.put("heapAfterGcMiBPerHour", slopePerHour(steady, s -> mib(s.get("usedJSHeapSizeAfterGc"))));
        growth.put("heapUsedMiBPerHour", slopePerHour(steady, s -> mib(s.get("usedJSHeapSize"))));
        growth.put("nodesPerHour", slopePerHour(steady, s -> number(((Map<?, ?>) s.get("cdpAfterGc")).get("Nodes"))));
        growth.put("domElementsPerHour", slopePerHour(steady, s -> number(s.get("domElements"))));
        growth.put("rendererRssMiBPerHour", slopePerHour(steady, s -> (Double) s.get("rendererRssMiB")));
        growth.put("rendererRssAnonMiBPerHour", slopePerHour(steady, s -> (Double) s.get("rendererRssAnonMiB")));
        growth.put("outputCharsPerHour", slopePerHour(steady, s -> number(s.get("outputChars"))));
        results.put("growthPerHour", growth);
        String since = " (from " + from + " min)";
        rows.add(Table.row("JS heap after GC growth per hour" + since, (Double) growth.get("heapAfterGcMiBPerHour"), " MiB",
                "< " + BOUNDED_HEAP_MIB_PER_HOUR, abs(growth.get("heapAfterGcMiBPerHour")) < BOUNDED_HEAP_MIB_PER_HOUR));
        rows.add(Table.row("DOM nodes growth per hour" + since, (Double) growth.get("nodesPerHour"), "",
                "< " + (int) BOUNDED_NODES_PER_HOUR, abs(growth.get("nodesPerHour")) < BOUNDED_NODES_PER_HOUR));
        rows.add(Table.row("renderer RSS growth per hour" + since + " (anon " + fmt((Double) growth.get("rendererRssAnonMiBPerHour")) + ")",
                (Double) growth.get("rendererRssMiBPerHour"), " MiB", null, null));
        long follows = samples.stream().filter(s -> Boolean.TRUE.equals(s.get("follows"))).count();
        rows.add(Table.row("samples following (of " + samples.size() + ")", (double) follows, "", "all", follows == samples.size()));
        double maxLag = samples.stream().map(s -> s.get("followLagMs")).filter(v -> v != null)
                .mapToDouble(v -> ((Number) v).doubleValue()).max().orElse(Double.NaN);
        rows.add(Table.row("page behind the stored output, worst", Double.isNaN(maxLag) ? null : maxLag, " ms", null, null));
        if (results.get("end") instanceof Map<?, ?> end) {
            rows.add(Table.row("output printed by the command", kib(end.get("printedBytes")), " KiB", null, null));
            rows.add(Table.row("output kept (bridge cap " + end.get("maxBytes") + ")", kib(end.get("keptBytes")), " KiB", null, null));
            if (end.get("capReachedAtPageMinute") != null) {
                rows.add(Table.row("cap reached at page minute", number(end.get("capReachedAtPageMinute")), " min", null, null));
            }
        }
        results.put("table", rows);
        boolean bounded = abs(growth.get("heapAfterGcMiBPerHour")) < BOUNDED_HEAP_MIB_PER_HOUR
                && abs(growth.get("nodesPerHour")) < BOUNDED_NODES_PER_HOUR
                && samples.stream().allMatch(s -> number(s.get("outputChars")) <= PAGE_TAIL_CHARS);
        Map<String, Object> last = samples.get(samples.size() - 1);
        String verdict = String.format(Locale.ROOT,
                "%s: after %d min following, the page's JS heap is %.2f MiB after GC (%s MiB/h since minute %d), %s DOM nodes (%s/h), %s output chars, renderer RSS %s MiB (%s MiB/h)%s",
                growth.get("heapAfterGcMiBPerHour") == null ? "UNDECIDED (fewer than 2 samples)" : bounded ? "BOUNDED" : "GROWING", samples.size(), mib(last.get("usedJSHeapSizeAfterGc")),
                fmt((Double) growth.get("heapAfterGcMiBPerHour")), from, ((Map<?, ?>) last.get("cdpAfterGc")).get("Nodes"),
                fmt((Double) growth.get("nodesPerHour")), last.get("outputChars"), last.get("rendererRssMiB"),
                fmt((Double) growth.get("rendererRssMiBPerHour")), capNote());
        results.put("verdict", verdict);
        results.put("bounded", bounded);
        System.out.println();
        System.out.print(Table.format(rows));
        System.out.println();
        System.out.println("verdict: " + verdict);
    }

    private String capNote() {
        if (results.get("end") instanceof Map<?, ?> end && end.get("capReachedAtPageMinute") != null) {
            return String.format(Locale.ROOT, "; new output reached the page only until minute %s (the bridge's %s-byte cap), idle following after it",
                    end.get("capReachedAtPageMinute"), end.get("maxBytes"));
        }
        return "";
    }

    interface Value {
        Double of(Map<String, Object> sample);
    }

    /** Least-squares slope of {@code value} against the sample's minute, per hour; null with fewer than 2 points. */
    static Double slopePerHour(List<Map<String, Object>> samples, Value value) {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Map<String, Object> s : samples) {
            Double y = value.of(s);
            if (y == null || y.isNaN()) {
                continue;
            }
            double x = ((Number) s.get("minute")).doubleValue();
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double d = n * sxx - sx * sx;
        if (n < 2 || d == 0) {
            return null;
        }
        return Stats.round((n * sxy - sx * sy) / d * 60);
    }

    private static Double mib(Object bytes) {
        return bytes instanceof Number n ? Stats.round(n.doubleValue() / (1024 * 1024)) : null;
    }

    private static Double kib(Object bytes) {
        return bytes instanceof Number n ? Stats.round(n.doubleValue() / 1024) : null;
    }

    private static double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double abs(Object v) {
        return v instanceof Number n ? Math.abs(n.doubleValue()) : Double.POSITIVE_INFINITY;
    }

    private static String fmt(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%+.2f", v);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private void write(Path out) throws IOException {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        json.writeValue(out.toFile(), results);
    }
}
