package com.rediacc.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A server that answers 503 (something it needs is down): reads are tried again, changes never. */
class UnavailableTest {
    private static final String DOWN = "PostgreSQL is unavailable: cannot connect";
    private static final String STATS = "{\"byStatus\": {\"PENDING\": 2}, \"byPriority\": {\"3\": {\"PENDING\": 2}}}";

    @TempDir
    Path dir;
    private FakeApi api;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aReadIsTriedAgainAfterRetryAfterAndSaysWhatIsDown() {
        api.answer("GET /queue/stats", 200, STATS).unavailable("GET /queue/stats", 2, "1", DOWN);

        CliRun stats = api.run(dir.resolve("config"), "stats", "-o", "json");

        assertThat(stats.exit()).isZero();
        assertThat(stats.out()).contains("\"PENDING\"");
        assertThat(api.all("GET", "/queue/stats")).hasSize(3);
        assertThat(stats.err()).contains("note: " + DOWN + " (HTTP 503 Service Unavailable); trying GET /api/v1/queue/stats"
                + " again in 1.0 s (2 of 4)").contains("(3 of 4)");
    }

    @Test
    void aReadStillUnavailableAfterItsAttemptsExits3WithTheDetail() {
        api.unavailable("GET /queue/stats", 10, "0", DOWN);

        CliRun stats = api.run(dir.resolve("config"), "stats");

        assertThat(stats.exit()).isEqualTo(3);
        assertThat(api.all("GET", "/queue/stats")).hasSize(ApiClient.ATTEMPTS);
        assertThat(stats.err()).contains("error: " + DOWN + " (HTTP 503 Service Unavailable)")
                .contains("hint: the server is up but something it needs is down (tried 4 times)");
    }

    @Test
    void aChangeIsNeverRepeated() {
        api.unavailable("POST /tasks", 10, "0", DOWN);

        CliRun create = api.run(dir.resolve("config"), "create", "task", "--machine", "m", "--command", "uptime");

        assertThat(create.exit()).isEqualTo(3);
        assertThat(api.all("POST", "/tasks")).hasSize(1);
        assertThat(create.err()).contains("error: " + DOWN).doesNotContain("note:")
                .contains("hint: not repeated: the change may or may not have been made");
    }

    @Test
    void theWaitIsTheServersRetryAfterOrADoublingBackoffBounded() {
        assertThat(ApiClient.backoff(1)).isEqualTo(ApiClient.FIRST_WAIT);
        assertThat(ApiClient.backoff(3)).isEqualTo(ApiClient.FIRST_WAIT.multipliedBy(4));
        api.unavailable("GET /queue/stats", 10, "600", DOWN);
        long start = System.nanoTime();

        CliRun stats = api.run(dir.resolve("config"), "stats");

        assertThat(stats.err()).contains("again in 10.0 s (2 of 4)");
        assertThat(stats.exit()).isEqualTo(3);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(ApiClient.MAX_WAIT.multipliedBy(3));
    }
}
