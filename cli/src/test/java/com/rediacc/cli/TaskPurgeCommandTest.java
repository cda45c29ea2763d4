package com.rediacc.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** cancel queue by filter: a dry run without --confirm, then POST /tasks/purge again with upTo until done. */
class TaskPurgeCommandTest extends FakeApiTest {
    private static final String DRY = """
            {"dryRun": true, "upTo": 900, "matched": 300, "byStatus": {"PENDING": 299, "PROCESSING": 1}, "done": true}""";

    @Test
    void withoutConfirmItOnlyCountsAndExits2() throws Exception {
        api.answer("POST /tasks/purge", 200, DRY);
        CliRun dry = run("cancel", "queue", "--machine", "prod-01", "--status", "PENDING,PROCESSING",
                "--created-before", "2026-12-01");
        assertThat(dry.exit()).isEqualTo(2);
        assertThat(dry.out()).contains("300 task(s) match");
        assertThat(dry.err()).contains("nothing changed: add --confirm");
        assertThat(api.only("POST").body()).isEqualTo(ApiClient.JSON.readTree("""
                {"machine": "prod-01", "status": ["PENDING", "PROCESSING"], "createdBefore": "2026-12-01T00:00:00Z",
                 "dryRun": true}"""));
    }

    @Test
    void withConfirmItCallsAgainWithUpToUntilDoneAndShowsProgressOnATerminal() throws Exception {
        api.answers("POST /tasks/purge", DRY,
                """
                {"dryRun": false, "upTo": 900, "cancelled": 200, "cancelRequested": 1,
                 "byStatus": {"PENDING": 200, "PROCESSING": 1}, "done": false}""",
                """
                {"dryRun": false, "upTo": 900, "cancelled": 99, "cancelRequested": 0, "byStatus": {"PENDING": 99}, "done": true}""");
        CliRun purge = api.run(dir.resolve("config"), true, "cancel", "queue", "--team", "Production", "--priority", "5",
                "--confirm");
        assertThat(purge.exit()).as(purge.err()).isZero();
        assertThat(purge.err()).contains("\rcancelled 201 of ~300").contains("\rcancelled 300 of ~300\n");
        assertThat(purge.out()).contains("cancelled 299 {\"PENDING\":299,\"PROCESSING\":1}; asked 1 running task(s) to stop");
        List<FakeApi.Request> calls = api.all("POST", "/tasks/purge");
        assertThat(calls).hasSize(3);
        assertThat(calls.get(1).body()).isEqualTo(ApiClient.JSON.readTree("{\"team\": \"Production\", \"priority\": 5}"));
        assertThat(calls.get(2).body()).isEqualTo(ApiClient.JSON.readTree(
                "{\"team\": \"Production\", \"priority\": 5, \"upTo\": 900}"));
    }

    @Test
    void badFiltersAreUsageErrorsBeforeAnyCall() {
        assertUsage(run("cancel", "queue"), "give task ids, or a filter");
        assertUsage(run("cancel", "queue", "--status", "PENDING", "--confirm"), "give task ids, or a filter");
        assertUsage(run("cancel", "queue", "3f1c2d4e-0000-0000-0000-000000000000", "--machine", "m"),
                "give task ids or a filter, not both");
        assertUsage(run("cancel", "queue", "--machine", "m", "--created-before", "yesterday"),
                "--created-before 'yesterday' is neither a day");
        assertUsage(run("cancel", "queue", "--machine", "m", "--priority", "7"), "--priority must be between 1 and 5");
        assertThat(api.requests).isEmpty();
    }

    private static void assertUsage(CliRun run, String message) {
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(message);
    }
}
