package com.rediacc.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.rediacc.testsupport.Await;
import com.rediacc.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console in a real browser (Debian's headless chromium through chromium-driver) against
 * the real services: sign-in, live rows and output without reloading, cancel from the page killing
 * the remote command, what a viewer may not do, deep links, teams kept apart, and no secret in any
 * byte the browser receives. Screenshots go to target/console-screenshots/.
 */
class ConsoleBrowserIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static E2eStack stack;
    private static Path remote;
    private static String operator;
    private static String viewer;
    private static ConsoleBrowser browser;

    @BeforeAll
    static void start() throws Exception {
        stack = new E2eStack("console").startCore(Map.of());
        // room for a 3 MB output (a report must stay under queue-service's 4 MB body limit)
        stack.startBridge("bridge-1", Map.of("REDIACC_BRIDGE_OUTPUT_MAX_BYTES", "3500000"));
        stack.registerDemoMachine("demo-01", 4);
        stack.createTeam("other");
        stack.storeSecret("other", "other-key", Map.of("privateKey", Files.readString(Path.of(E2eStack.env("DEMO_SSH_KEY_FILE")))));
        HttpResponse<String> machine = stack.post("/api/v1/machines", Map.of("name", "other-01", "team", "other",
                "host", "127.0.0.1", "port", Integer.parseInt(E2eStack.env("SSH_PORT")), "user", E2eStack.env("DEMO_SSH_USER"),
                "hostKey", E2eStack.env("DEMO_SSH_HOST_KEY"), "credential", "other-key"));
        assertThat(machine.statusCode()).as(machine.body()).isEqualTo(201);
        operator = user("default", "OPERATOR");
        viewer = user("default", "VIEWER");
        remote = TempDirs.forMachineCommands("rediacc-e2e-console-");
        browser = new ConsoleBrowser(stack.queueUrl()).signIn(operator, "/");
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theOverviewPaintsItsCountsQuickly() throws Exception {
        browser.open("/");
        assertThat(browser.driver.findElements(By.cssSelector("#status-cards .card"))).hasSize(6);
        assertThat(browser.driver.findElements(By.cssSelector("#depth-chart svg polyline"))).hasSize(1);
        double useful = ((Number) browser.js("return window.rediaccFirstUsefulPaint")).doubleValue();
        Number domContent = (Number) browser.js("var n = performance.getEntriesByType('navigation')[0]; return n.domContentLoadedEventEnd;");
        System.out.printf("console overview: DOMContentLoaded %.0f ms, first useful paint (counts and sparklines drawn) %.0f ms%n",
                domContent.doubleValue(), useful);
        browser.screenshot("overview");
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        browser.open("/");
        browser.screenshot("overview-phone");
        browser.driver.manage().window().setSize(new Dimension(1366, 900));
    }

    @Test
    void aTaskCreatedThroughTheApiAppearsAndCompletesWithoutAReload() throws Exception {
        String theirs = createAsAdmin(Map.of("machine", "other-01", "command", "echo another team"));
        browser.open("/tasks");
        browser.js("window.__sameDocument = true");
        Gate go = new Gate(remote, "appears");
        String id = createAsAdmin(Map.of("machine", "demo-01", "command", "echo appears; " + go.shellWait() + "; echo done"));
        WebElement row = browser.until("the new task's row", d -> d.findElement(By.id("task-" + id)));
        assertThat(row.getDomAttribute("data-status")).isIn("PENDING", "ASSIGNED", "PROCESSING");
        browser.until("the row shows PROCESSING", d -> "PROCESSING".equals(d.findElement(By.id("task-" + id)).getDomAttribute("data-status")));
        go.open();
        browser.until("the row shows COMPLETED", d -> "COMPLETED".equals(d.findElement(By.id("task-" + id)).getDomAttribute("data-status")));
        assertThat(browser.js("return window.__sameDocument === true")).as("no reload happened").isEqualTo(true);
        assertThat(browser.driver.getPageSource()).doesNotContain(theirs);
        assertThat(browser.driver.findElements(By.id("task-" + theirs))).isEmpty();
        browser.screenshot("tasks-live");
    }

    @Test
    void liveOutputAppearsLineByLine() throws Exception {
        List<Gate> shown = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            Gate gate = new Gate(remote, "console-line-" + i);
            shown.add(gate);
            command.append("echo line-").append(i).append("; ").append(gate.shellWait()).append("; ");
        }
        command.append("echo finished");
        String id = createAsAdmin(Map.of("machine", "demo-01", "timeoutSeconds", 300, "command", command.toString()));
        browser.open("/tasks/" + id);
        for (int i = 1; i <= 3; i++) {
            int line = i;
            browser.until("line-" + line + " shown while the command runs", d -> output().contains("line-" + line + "\n"));
            assertThat(output()).as("nothing after line-" + line + " yet: its gate is closed").doesNotContain("line-" + (line + 1));
            if (line == 2) {
                browser.screenshot("task-output-live");
            }
            shown.get(line - 1).open();
        }
        browser.until("the output ends COMPLETED", d -> "COMPLETED".equals(d.findElement(By.tagName("body")).getDomAttribute("data-output-ended")));
        assertThat(output()).isEqualTo("line-1\nline-2\nline-3\nfinished\n");
        browser.until("the page shows COMPLETED", d -> "COMPLETED".equals(d.findElement(By.tagName("body")).getDomAttribute("data-status")));
        browser.until("the timeline PENDING, ASSIGNED, PROCESSING, COMPLETED",
                d -> d.findElements(By.cssSelector("#timeline li")).size() >= 4);
        browser.screenshot("task-completed");
    }

    @Test
    void cancelFromTheDetailPageKillsTheRemoteProcess() throws Exception {
        String marker = "rediacc-console-cancel-" + UUID.randomUUID();
        String id = createAsAdmin(Map.of("machine", "demo-01", "command", "echo started; sh -c 'sleep 600; echo " + marker + "'"));
        browser.open("/tasks/" + id);
        browser.until("the page shows PROCESSING", d -> "PROCESSING".equals(d.findElement(By.tagName("body")).getDomAttribute("data-status")));
        Await.until("the remote sleep runs", Duration.ofSeconds(60), () -> remoteProcesses(marker) > 0, stack::logs);
        browser.until("the cancel button", d -> d.findElement(By.id("cancel")).isDisplayed());
        assertThat(browser.driver.findElement(By.id("retry")).isDisplayed()).as("no retry while it runs").isFalse();
        assertThat(browser.driver.findElement(By.id("follow")).isDisplayed()).as("following: no follow button").isFalse();
        browser.driver.findElement(By.id("cancel")).click();
        browser.until("the confirmation", d -> d.findElement(By.id("confirm-yes")).isDisplayed());
        browser.screenshot("task-cancel-confirm");
        browser.driver.findElement(By.id("confirm-yes")).click();
        browser.until("the page shows CANCELLED", d -> "CANCELLED".equals(d.findElement(By.tagName("body")).getDomAttribute("data-status")));
        Await.until("the remote sleep is gone", Duration.ofSeconds(30), () -> remoteProcesses(marker) == 0, stack::logs);
        assertThat(stack.task(id).path("status").asText()).isEqualTo("CANCELLED");
        browser.driver.findElement(By.id("confirm-no")).click();
    }

    @Test
    void aViewerSeesNoCancelButtonAndAForgedCancelIsRefused() throws Exception {
        Gate end = new Gate(remote, "viewer");
        String id = createAsAdmin(Map.of("machine", "demo-01", "command", end.shellWait()));
        stack.awaitStatus(id, Set.of("PROCESSING"), Duration.ofSeconds(60));
        try (ConsoleBrowser asViewer = new ConsoleBrowser(stack.queueUrl()).signIn(viewer, "/tasks/" + id)) {
            asViewer.ready();
            asViewer.until("the page shows PROCESSING", d -> "PROCESSING".equals(d.findElement(By.tagName("body")).getDomAttribute("data-status")));
            assertThat(asViewer.driver.findElements(By.id("cancel"))).as("no cancel button for a viewer").isEmpty();
            assertThat(asViewer.driver.findElements(By.id("retry"))).isEmpty();
            asViewer.screenshot("task-as-viewer");
            Object status = asViewer.asyncJs("""
                    const done = arguments[arguments.length - 1];
                    fetch('/api/v1/tasks/' + arguments[0] + '/cancel', {method: 'POST', credentials: 'same-origin',
                        headers: {'Content-Type': 'application/json',
                                  'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content},
                        body: '{}'}).then(r => done(r.status), e => done(String(e)));""", id);
            assertThat(((Number) status).intValue()).as("a viewer's forged cancel").isEqualTo(403);
            assertThat(stack.task(id).path("status").asText()).isEqualTo("PROCESSING");
        } finally {
            end.open();
        }
        assertThat(stack.awaitTerminal(id).path("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void aFilteredUrlReopensTheSameView() throws Exception {
        String word = "filtered-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(createAsAdmin(Map.of("machine", "demo-01", "priority", 2, "command", "echo " + word + " " + i)));
        }
        String failing = createAsAdmin(Map.of("machine", "demo-01", "priority", 2, "command", "echo " + word + "; exit 3"));
        for (String id : ids) {
            stack.awaitTerminal(id);
        }
        stack.awaitTerminal(failing);
        browser.open("/tasks");
        browser.driver.findElement(By.id("search")).sendKeys(word);
        new Select(browser.driver.findElement(By.name("status"))).selectByValue("COMPLETED");
        new Select(browser.driver.findElement(By.name("priority"))).selectByValue("2");
        browser.driver.findElement(By.name("machine")).sendKeys("demo-01");
        browser.driver.findElement(By.cssSelector("#filters button[type=submit]")).click();
        browser.until("the filter is in the URL", d -> d.getCurrentUrl().contains("q=" + word));
        browser.ready();
        String url = browser.driver.getCurrentUrl();
        assertThat(url).contains("status=COMPLETED").contains("priority=2").contains("machine=demo-01");
        browser.until("the three matching rows", d -> rowIds().size() == 3);
        Set<String> first = rowIds();
        assertThat(first).containsExactlyInAnyOrderElementsOf(ids);

        browser.driver.get("about:blank");
        browser.driver.get(url);
        browser.ready();
        browser.until("the same three rows", d -> rowIds().size() == 3);
        assertThat(rowIds()).isEqualTo(first);
        assertThat(browser.driver.findElement(By.id("search")).getDomProperty("value")).isEqualTo(word);
        assertThat(new Select(browser.driver.findElement(By.name("status"))).getFirstSelectedOption().getText()).isEqualTo("COMPLETED");
        browser.screenshot("tasks-filtered");
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        browser.screenshot("tasks-filtered-phone");
        browser.driver.manage().window().setSize(new Dimension(1366, 900));
    }

    @Test
    void anotherTeamsTaskNeverAppearsAnywhere() throws Exception {
        String theirs = createAsAdmin(Map.of("machine", "other-01", "command", "echo not yours"));
        String mine = createAsAdmin(Map.of("machine", "demo-01", "command", "echo yours"));
        stack.awaitTerminal(mine);
        browser.open("/tasks");
        browser.until("my task listed", d -> !d.findElements(By.id("task-" + mine)).isEmpty());
        assertThat(browser.driver.getPageSource()).doesNotContain(theirs).doesNotContain("other-01");
        browser.driver.get(stack.queueUrl() + "/tasks/" + theirs);
        browser.until("an unknown task for this user", d -> !d.findElement(By.id("toast")).getText().isEmpty());
        assertThat(browser.driver.findElement(By.id("toast")).getText()).contains("no task");
        browser.open("/machines");
        assertThat(browser.driver.findElements(By.id("machine-other-01"))).isEmpty();
        assertThat(browser.driver.findElements(By.id("machine-demo-01"))).hasSize(1);
        browser.screenshot("machines");
        for (String page : List.of("/crons", "/groups")) {
            browser.open(page);
            assertThat(browser.driver.getPageSource()).doesNotContain("other-01");
        }
    }

    @Test
    void theMachinesPageShowsTheBridgesAndChecksAMachinesSshConnectivity() throws Exception {
        browser.open("/machines");
        browser.until("bridge-1 listed LIVE, serving demo-01", d -> {
            List<WebElement> row = d.findElements(By.id("bridge-bridge-1"));
            return !row.isEmpty() && row.getFirst().getText().contains("LIVE") && row.getFirst().getText().contains("demo-01");
        });
        assertThat(browser.driver.findElement(By.id("bridges-table")).getText()).doesNotContain("other-01");
        browser.driver.findElement(By.id("check-demo-01")).click();
        browser.until("the check's answer", d -> d.findElement(By.id("check-result")).getText().contains("from bridge-1"));
        assertThat(browser.driver.findElement(By.id("check-result")).getText())
                .contains("demo-01 reachable from bridge-1", "connect ok", "hostKey ok", "auth ok", "exec ok");
        browser.screenshot("machines-check");
        try (ConsoleBrowser asViewer = new ConsoleBrowser(stack.queueUrl()).signIn(viewer, "/machines")) {
            asViewer.ready();
            assertThat(asViewer.driver.findElements(By.id("check-demo-01"))).as("no check button for a viewer").isEmpty();
        }
    }

    @Test
    void noSecretReachesTheBrowser() throws Exception {
        String marker = "console-secret-" + UUID.randomUUID();
        String id = createAsAdmin(Map.of("machine", "demo-01", "command", "cat > /dev/null; echo read the secret",
                "vaultData", Map.of("password", marker)));
        stack.awaitTerminal(id);
        browser.requestedUrls(); // forget what came before
        StringBuilder received = new StringBuilder();
        for (String page : List.of("/", "/tasks", "/tasks/" + id, "/machines", "/crons", "/groups", "/audit")) {
            browser.open(page);
            if (page.startsWith("/tasks/")) {
                browser.until("the output shown", d -> output().contains("read the secret"));
            }
            received.append(browser.driver.getPageSource());
        }
        // Everything the browser asked for, fetched again with its session cookie; the streams read for a while.
        Set<String> urls = new LinkedHashSet<>(browser.requestedUrls());
        String cookie = "rediacc_session=" + browser.sessionCookie();
        int fetched = 0;
        for (String url : urls) {
            if (!url.startsWith(stack.queueUrl())) {
                continue;
            }
            fetched++;
            if (url.contains("/api/v1/console/stream")) {
                received.append(readStream(url, cookie, Duration.ofSeconds(3)));
            } else {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                received.append(response.body());
            }
        }
        assertThat(fetched).isGreaterThan(10);
        assertThat(urls).anyMatch(u -> u.contains("/api/v1/console/stream?follow=" + id));
        assertThat(received.toString()).contains(id).doesNotContain(marker);
        assertThat(received.toString()).as("no lease or attempt token either").doesNotContain("attemptToken").doesNotContain("leaseToken");
    }

    @Test
    void bulkCancelOfEverythingMatchingSaysHowManyFirst() throws Exception {
        stack.registerDemoMachine("bulk-01", 1);
        assertThat(stack.post("/api/v1/machines/bulk-01/pause", Map.of()).statusCode()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(createAsAdmin(Map.of("machine", "bulk-01", "command", "echo bulk " + i)));
        }
        browser.open("/tasks?status=PENDING&machine=bulk-01");
        browser.until("the three pending rows", d -> rowIds().size() == 3);
        browser.driver.findElement(By.id("bulk-cancel")).click();
        browser.until("the confirmation with the count", d -> d.findElement(By.id("confirm-text")).getText().contains("Cancel 3 tasks"));
        browser.screenshot("tasks-bulk-cancel-confirm");
        browser.driver.findElement(By.id("confirm-yes")).click();
        browser.until("the summary", d -> d.findElement(By.id("confirm-result")).getText().contains("CANCELLED: 3"));
        browser.driver.findElement(By.id("confirm-no")).click();
        for (String id : ids) {
            assertThat(stack.task(id).path("status").asText()).isEqualTo("CANCELLED");
        }
        browser.until("the rows leave the PENDING list live", d -> rowIds().isEmpty());
    }

    @Test
    void aLongOutputShowsItsTailAndStaysFast() throws Exception {
        String id = createAsAdmin(Map.of("machine", "demo-01",
                "command", "yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 3000000; echo; echo the-end"));
        JsonNode done = stack.awaitTerminal(id);
        assertThat(done.path("status").asText()).isEqualTo("COMPLETED");
        long started = System.nanoTime();
        browser.open("/tasks/" + id);
        browser.until("the output's end", d -> "COMPLETED".equals(d.findElement(By.tagName("body")).getDomAttribute("data-output-ended")));
        long shownMs = (System.nanoTime() - started) / 1_000_000;
        String shown = output();
        assertThat(shown).endsWith("the-end\n");
        assertThat(shown.length()).isLessThanOrEqualTo(256 * 1024);
        assertThat(browser.driver.findElement(By.id("output-note")).getText()).contains("in the download");
        Object heap = browser.js("return performance.memory ? performance.memory.usedJSHeapSize : null");
        System.out.printf("console task page: a 3 MB output's last %d KiB shown %d ms after opening; JS heap %s bytes%n",
                shown.length() / 1024, shownMs, heap);
        browser.screenshot("task-long-output");
    }

    @Test
    void keyboardShortcutsAndDarkMode() throws Exception {
        browser.open("/tasks");
        WebElement body = browser.driver.findElement(By.tagName("body"));
        body.sendKeys("/");
        assertThat(browser.driver.switchTo().activeElement().getDomAttribute("id")).as("/ focuses the search").isEqualTo("search");
        browser.driver.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ESCAPE);
        browser.js("document.activeElement.blur()");
        body.sendKeys("?");
        browser.until("? shows the help", d -> d.findElement(By.id("help")).isDisplayed());
        browser.screenshot("help");
        browser.driver.findElement(By.cssSelector("#help form button")).click();
        Object before = browser.js("return getComputedStyle(document.body).backgroundColor");
        body.sendKeys("t");
        browser.until("t switches the theme", d -> !before.equals(browser.js("return getComputedStyle(document.body).backgroundColor")));
        browser.screenshot("tasks-dark-or-light");
        body.sendKeys("t"); // back
        body.sendKeys("g");
        body.sendKeys("m");
        browser.until("g m goes to the machines", d -> d.getCurrentUrl().endsWith("/machines"));
    }

    private static String readStream(String url, String cookie, Duration during) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        InputStream body = E2eStack.openEventStream(URI.create(url), "Cookie", cookie, lines);
        // The first message comes at once (counts, and a followed task's output); then stop reading.
        Await.until("the stream's first message", Duration.ofSeconds(30), () -> lines.stream().anyMatch(l -> l.startsWith("data:")));
        long until = System.nanoTime() + during.toNanos();
        Await.until("a moment of the stream", during.plusSeconds(5), () -> System.nanoTime() > until);
        body.close();
        return String.join("\n", lines);
    }

    private static String output() {
        return (String) browser.js("return document.getElementById('output').textContent");
    }

    private static Set<String> rowIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (WebElement row : browser.driver.findElements(By.cssSelector("#tasks-table tbody tr"))) {
            ids.add(row.getDomAttribute("id").substring("task-".length()));
        }
        return ids;
    }

    private static String createAsAdmin(Map<String, Object> body) throws Exception {
        JsonNode created = stack.createTask(body);
        return created.path("taskId").asText();
    }

    private static String user(String team, String role) throws Exception {
        String name = "u-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> created = stack.post("/api/v1/users", Map.of("name", name));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String token = E2eStack.JSON.readTree(created.body()).path("token").asText();
        HttpResponse<String> added = stack.post("/api/v1/teams/" + team + "/members", Map.of("user", name, "role", role));
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        return token;
    }

    /** The demo machine is this host: its processes are visible here. */
    private static long remoteProcesses(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("sleep") && c.contains(marker)).orElse(false))
                .count();
    }
}
