package com.rediacc.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The threshold commands against a fake API: what they send, what they print, how they exit. */
class ThresholdCommandsTest extends FakeApiTest {
    private static final String THRESHOLD = """
            {"team": "Production", "machine": "prod-01", "maxPending": 50, "maxPendingAgeSeconds": 900,
             "pendingAlertSince": "2026-12-07T02:00:00Z", "updatedAt": "2026-12-07T01:00:00Z"}""";

    @Test
    void setSendsTheLimitsWithTheAgeInSeconds() throws Exception {
        api.answer("PUT /queue/thresholds/machines/prod-01", 200, THRESHOLD);
        CliRun set = run("threshold", "set", "--machine", "prod-01", "--max-pending", "50", "--max-pending-age", "15m");
        assertThat(set.exit()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("thresholds of machine prod-01 set\n");
        assertThat(api.only("PUT").body()).isEqualTo(ApiClient.JSON.readTree("{\"maxPending\": 50, \"maxPendingAgeSeconds\": 900}"));

        api.answer("PUT /queue/thresholds/teams/Production", 200, THRESHOLD);
        assertThat(run("threshold", "set", "--team", "Production", "--max-pending", "500").exit()).isZero();
        assertThat(api.all("PUT", "/queue/thresholds/teams/Production").getFirst().body())
                .isEqualTo(ApiClient.JSON.readTree("{\"maxPending\": 500}"));
    }

    @Test
    void setRefusesNoLimitOrTwoScopesWithoutAsking() {
        CliRun none = run("threshold", "set", "--team", "Production");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("give --max-pending, --max-pending-age or both");
        assertThat(run("threshold", "set", "--team", "Production", "--machine", "prod-01", "--max-pending", "1").exit()).isEqualTo(2);
        assertThat(run("threshold", "set", "--team", "Production", "--max-pending-age", "soon").exit()).isEqualTo(2);
        assertThat(api.all("PUT", "/queue/thresholds/teams/Production")).isEmpty();
    }

    @Test
    void listShowsTheLimitsAndWhatFires() {
        api.answer("GET /queue/thresholds?team=Production", 200, "{\"items\": [" + THRESHOLD + "], \"nextCursor\": null}");
        CliRun list = run("threshold", "list", "--team", "Production");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("TEAM").contains("MAX PENDING").contains("prod-01").contains("900")
                .contains("2026-12-07T02:00:00Z");
    }

    @Test
    void deleteNamesWhatItDeleted() {
        api.answer("DELETE /queue/thresholds/teams/Production", 204, "");
        CliRun delete = run("threshold", "delete", "--team", "Production");
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(delete.err() + delete.out()).contains("thresholds of team Production deleted");
    }
}
