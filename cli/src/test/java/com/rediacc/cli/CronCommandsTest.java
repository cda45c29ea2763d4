package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cron commands against a fake API: what they send, what they print, how they exit. */
class CronCommandsTest extends FakeApiTest {
    private static final String TASK = "3f1c2d4e-1111-2222-3333-444455556666";
    private static final String CRON = """
            {"name": "nightly-backup", "team": "default", "machine": "db-01", "command": "/usr/local/bin/backup",
             "cronString": "0 3 * * *", "timezone": "Europe/Paris", "priority": 3, "resumable": false, "maxRetries": 0,
             "retryDelay": 30, "checkinMargin": 10, "maxRuntimeInMinutes": 120, "overlap": "SKIP",
             "onExit": {"command": "./notify.sh"}, "enabled": true,
             "nextRuns": ["2026-12-07T02:00:00Z", "2026-12-08T02:00:00Z", "2026-12-09T02:00:00Z",
                          "2026-12-10T02:00:00Z", "2026-12-11T02:00:00Z"],
             "lastRun": {"cron": "nightly-backup", "slot": "2026-12-06T02:00:00Z", "kind": "SCHEDULED",
                         "state": "SUCCEEDED", "taskId": "%s", "late": true},
             "createdAt": "2026-12-01T10:00:00Z", "createdBy": "admin"}""".formatted(TASK);


    @Test
    void createSendsTheScheduleWithDurationsInTheApisUnits() throws Exception {
        Path vault = dir.resolve("vault.json");
        Files.writeString(vault, "{\"password\": \"s3cret\"}");
        api.answer("POST /crons", 201, CRON);
        CliRun create = run("cron", "create", "nightly-backup", "--machine", "db-01", "--cron", "0 3 * * *",
                "--timezone", "Europe/Paris", "--command", "/usr/local/bin/backup", "--max-runtime", "2h",
                "--checkin-margin", "10m", "--timeout", "90m", "--retry-delay", "1m", "--retries", "2", "--priority", "2",
                "--overlap", "replace", "--on-exit", "./notify.sh", "--vault-file", vault.toString(), "--resumable", "--paused");
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("cron nightly-backup created on db-01 (team default): next run 2026-12-07T02:00:00Z\n");
        JsonNode body = api.only("POST").body();
        assertThat(body).isEqualTo(ApiClient.JSON.readTree("""
                {"name": "nightly-backup", "machine": "db-01", "command": "/usr/local/bin/backup", "cronString": "0 3 * * *",
                 "timezone": "Europe/Paris", "checkinMargin": 10, "maxRuntimeInMinutes": 120, "overlap": "REPLACE",
                 "priority": 2, "maxRetries": 2, "retryDelay": 60, "timeoutSeconds": 5400, "resumable": true,
                 "onExit": {"command": "./notify.sh"}, "vaultData": {"password": "s3cret"}, "enabled": false}"""));

        CliRun quiet = run("cron", "create", "nightly-backup", "--machine", "db-01", "--cron", "@daily", "--command", "x", "-q");
        assertThat(quiet.out()).isEqualTo("nightly-backup\n");
    }

    @Test
    void createRefusesWhatIsMissingOrNotInWholeMinutesWithoutAsking() {
        CliRun missing = run("cron", "create", "x", "--machine", "db-01");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("missing required options: --command, --cron").contains("rediacc cron create --help");
        CliRun seconds = run("cron", "create", "x", "--machine", "m", "--command", "c", "--cron", "@daily", "--checkin-margin", "90s");
        assertThat(seconds.exit()).isEqualTo(2);
        assertThat(seconds.err()).contains("'90s' is not a whole number of minutes");
        assertThat(run("cron", "create", "x", "--machine", "m", "--command", "c", "--cron", "@daily", "--overlap", "SOMETIMES").exit())
                .isEqualTo(2);
        assertThat(run("cron", "create", "x", "--machine", "m", "--command", "c", "--cron", "@daily", "--priority", "0").exit())
                .isEqualTo(2);
        assertThat(api.requests).isEmpty();
    }

    @Test
    void aFieldTheServerRefusesIsAFailureWithItsMessage() {
        api.answer("POST /crons", 400, """
                {"title": "Bad Request", "status": 400, "detail": "invalid request",
                 "errors": [{"field": "cronString", "message": "has 3 fields; give 5"}]}""");
        CliRun bad = run("cron", "create", "x", "--machine", "m", "--command", "c", "--cron", "* * *");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("(HTTP 400 Bad Request)").contains("cronString: has 3 fields; give 5");
    }

    @Test
    void getShowsTheSettingsTheLastRunAndTheNextFiveRunsInTheCronsZone() {
        api.answer("GET /crons/nightly-backup", 200, CRON);
        CliRun get = run("cron", "get", "nightly-backup");
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.out()).contains("Schedule:").contains("0 3 * * * (Europe/Paris)")
                .containsPattern("State:\\s+active").containsPattern("Max runtime:\\s+120m").containsPattern("Checkin margin:\\s+10m")
                .containsPattern("On exit:\\s+./notify.sh")
                .containsPattern("Last run:\\s+SUCCEEDED: SCHEDULED run of 2026-12-06T02:00:00Z, task " + TASK + ", late")
                .contains("Next runs:\n  2026-12-07T02:00:00Z  (Mon 2026-12-07 03:00 Europe/Paris)\n")
                .contains("  2026-12-11T02:00:00Z  (Fri 2026-12-11 03:00 Europe/Paris)\n")
                .doesNotContain("Timeout:");
        assertThat(run("cron", "get", "nightly-backup", "-q").out()).isEqualTo("nightly-backup\n");
    }

    @Test
    void listShowsEachCronsNextAndLastRun() {
        api.answer("GET /crons", 200, "{\"items\": [" + CRON + "], \"nextCursor\": \"nightly-backup\"}");
        CliRun list = run("cron", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("NAME").contains("SCHEDULE").contains("NEXT RUN").contains("LAST RUN");
        assertThat(lines.get(1)).matches("nightly-backup\\s+db-01\\s+0 3 \\* \\* \\*\\s+Europe/Paris\\s+active\\s+"
                + "2026-12-07T02:00:00Z\\s+SUCCEEDED\\s+/usr/local/bin/backup");
        assertThat(list.err()).contains("more: --cursor nightly-backup");
        assertThat(run("cron", "list", "-o", "wide").out().lines().findFirst().orElseThrow()).contains("OVERLAP").contains("ON EXIT");
    }

    @Test
    void runsListsStateSlotKindTaskLatenessAndDetailAndQuietOnlyTaskIds() {
        api.answer("GET /crons/nightly-backup/runs?limit=2", 200, """
                {"items": [
                  {"cron": "nightly-backup", "slot": "2026-12-07T02:00:00Z", "kind": "MANUAL", "state": "SKIPPED",
                   "detail": "the previous run is still active", "late": false},
                  {"cron": "nightly-backup", "slot": "2026-12-06T02:00:00Z", "kind": "SCHEDULED", "state": "SUCCEEDED",
                   "taskId": "%s", "late": true}],
                 "nextCursor": "2026-12-06T02:00:00Z"}""".formatted(TASK));
        CliRun runs = run("cron", "runs", "nightly-backup", "--limit", "2");
        assertThat(runs.exit()).as(runs.err()).isZero();
        List<String> lines = runs.out().lines().toList();
        assertThat(lines.getFirst()).matches("SLOT\\s+STATE\\s+KIND\\s+TASK\\s+LATE\\s+DETAIL");
        assertThat(lines.get(1)).matches("2026-12-07T02:00:00Z\\s+SKIPPED\\s+MANUAL\\s+the previous run is still active");
        assertThat(lines.get(2)).matches("2026-12-06T02:00:00Z\\s+SUCCEEDED\\s+SCHEDULED\\s+" + TASK + "\\s+late");
        assertThat(runs.err()).contains("more: --cursor 2026-12-06T02:00:00Z");
        assertThat(run("cron", "runs", "nightly-backup", "--limit", "2", "-q").out()).isEqualTo(TASK + "\n");
    }

    @Test
    void triggerPrintsTheRunsTaskAndFailsWhenNoTaskWasMade() {
        api.answer("POST /crons/nightly-backup/trigger", 201, """
                {"cron": "nightly-backup", "slot": "2026-12-06T12:00:00Z", "kind": "MANUAL", "state": "SCHEDULED",
                 "taskId": "%s", "late": false}""".formatted(TASK));
        CliRun trigger = run("cron", "trigger", "nightly-backup");
        assertThat(trigger.exit()).as(trigger.err()).isZero();
        assertThat(trigger.out()).isEqualTo("cron nightly-backup triggered: task " + TASK + " (SCHEDULED)\n");
        assertThat(run("cron", "trigger", "nightly-backup", "-q").out()).isEqualTo(TASK + "\n");

        api.answer("POST /crons/nightly-backup/trigger", 201, """
                {"cron": "nightly-backup", "slot": "2026-12-06T12:00:00Z", "kind": "MANUAL", "state": "SKIPPED",
                 "detail": "the previous run (task %s) is still active", "late": false}""".formatted(TASK));
        CliRun skipped = run("cron", "trigger", "nightly-backup", "-q");
        assertThat(skipped.exit()).isEqualTo(1);
        assertThat(skipped.out()).isEmpty();
        assertThat(skipped.err()).contains("error: cron nightly-backup did not run: SKIPPED: MANUAL run of 2026-12-06T12:00:00Z; "
                + "the previous run (task " + TASK + ") is still active");
    }

    @Test
    void updateSendsOnlyWhatIsGivenAndNoOnExitRemovesTheFollowUp() throws Exception {
        api.answer("PATCH /crons/nightly-backup", 200, CRON);
        CliRun update = run("cron", "update", "nightly-backup", "--cron", "30 2 * * *", "--no-on-exit", "--no-resumable");
        assertThat(update.exit()).as(update.err()).isZero();
        assertThat(update.out()).isEqualTo("cron nightly-backup updated\n");
        assertThat(api.only("PATCH").body())
                .isEqualTo(ApiClient.JSON.readTree("{\"cronString\": \"30 2 * * *\", \"resumable\": false, \"onExit\": {}}"));

        assertThat(run("cron", "update", "nightly-backup").exit()).isEqualTo(2);
        assertThat(run("cron", "update", "nightly-backup").err()).contains("nothing to change");
        assertThat(run("cron", "update", "nightly-backup", "--on-exit", "x", "--no-on-exit").exit()).isEqualTo(2);
        assertThat(api.requests).hasSize(1);
    }

    @Test
    void pauseAndResumeSayWhatHappened() {
        api.answer("POST /crons/nightly-backup/pause", 200, CRON.replace("\"enabled\": true", "\"enabled\": false"));
        api.answer("POST /crons/nightly-backup/resume", 200, CRON);
        CliRun pause = run("cron", "pause", "nightly-backup");
        assertThat(pause.exit()).isZero();
        assertThat(pause.err()).isEqualTo("cron nightly-backup paused\n");
        CliRun resume = run("cron", "resume", "nightly-backup");
        assertThat(resume.err()).isEqualTo("cron nightly-backup resumed; next run 2026-12-07T02:00:00Z\n");
        assertThat(run("cron", "pause", "nightly-backup", "-o", "json").out()).contains("\"enabled\" : false");
    }

    @Test
    void deleteWithoutConfirmOnlySaysWhatItWouldDelete() {
        api.answer("GET /crons/nightly-backup", 200, CRON);
        api.answer("DELETE /crons/nightly-backup", 204, "");
        CliRun dry = run("cron", "delete", "nightly-backup");
        assertThat(dry.exit()).isEqualTo(2);
        assertThat(dry.err()).contains("would delete cron nightly-backup (team default, \"0 3 * * *\" on db-01); nothing changed: add --confirm");
        assertThat(api.requests).extracting(FakeApi.Request::method).containsExactly("GET");

        CliRun delete = run("cron", "delete", "nightly-backup", "--confirm");
        assertThat(delete.exit()).isZero();
        assertThat(delete.err()).isEqualTo("cron nightly-backup deleted\n");
        assertThat(api.only("DELETE").path()).isEqualTo("/crons/nightly-backup");
    }
}
