package com.rediacc.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** machine check, bridge list and the machines' resources against a fake API: what they print, how they exit. */
class TroubleshootingCommandsTest extends FakeApiTest {
    private static final String PASSED = """
            {"steps": [{"name": "connect", "ok": true, "millis": 3, "error": null},
                       {"name": "hostKey", "ok": true, "millis": 12, "error": null},
                       {"name": "auth", "ok": true, "millis": 25, "error": null},
                       {"name": "exec", "ok": true, "millis": 8, "error": null}], "bridge": "bridge-a"}""";
    private static final String HOST_KEY_FAILED = """
            {"steps": [{"name": "connect", "ok": true, "millis": 3, "error": null},
                       {"name": "hostKey", "ok": false, "millis": 9,
                        "error": "host key mismatch: 10.0.0.5:22 presented ssh-ed25519 SHA256:abc"}],
             "bridge": "bridge-a"}""";

    @Test
    void checkExitsZeroWhenEveryStepPassedAndOneOtherwise() {
        api.answer("POST /machines/prod-01/check", 200, PASSED);
        CliRun ok = run("machine", "check", "prod-01");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("connect", "hostKey", "auth", "exec", "25 ms")
                .contains("machine prod-01 is reachable from bridge bridge-a");

        api.answer("POST /machines/prod-01/check", 200, HOST_KEY_FAILED);
        CliRun failed = run("machine", "check", "prod-01");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).contains("failed", "host key mismatch")
                .contains("machine prod-01 is not reachable from bridge bridge-a");
        CliRun json = run("machine", "check", "prod-01", "-o", "json");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.out()).contains("\"hostKey\"", "\"ok\" : false");
    }

    @Test
    void checkWithoutALiveBridgeIsAFailureWithTheServersReason() {
        api.answer("POST /machines/prod-01/check", 503, """
                {"title": "No bridge", "status": 503, "detail": "no live bridge serves machine 'prod-01' now"}""");
        CliRun none = run("machine", "check", "prod-01");
        // a 503: unavailable (exit 3), as every call the server cannot serve now, not a failed step (exit 1)
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.err()).contains("no live bridge serves machine 'prod-01' now");
    }

    @Test
    void bridgeListShowsStateMachinesAndRunningTasks() {
        api.answer("GET /bridges", 200, """
                {"items": [{"bridgeId": "bridge-a", "state": "LIVE", "version": "0.1.0", "tags": ["gpu"],
                            "partitions": [0, 2, 4], "partitionCount": 6, "machines": ["db-01", "web-02"],
                            "runningTasks": [{"taskId": "t-1", "machine": "db-01", "status": "PROCESSING"}],
                            "runningCount": 1, "batchSize": 8, "lastHeartbeat": "2026-01-01T00:00:00Z",
                            "heartbeatEveryMillis": 5000},
                           {"bridgeId": "bridge-b", "state": "QUIET", "version": "0.1.0", "tags": [],
                            "partitions": [], "partitionCount": 6, "machines": [], "runningTasks": [],
                            "runningCount": 0, "batchSize": 8, "lastHeartbeat": "2026-01-01T00:00:00Z",
                            "heartbeatEveryMillis": 5000}], "nextCursor": null}""");
        CliRun list = run("bridge", "list", "-o", "wide");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("bridge-a", "LIVE", "1/8", "db-01,web-02", "0,2,4 of 6", "gpu", "t-1")
                .contains("bridge-b", "QUIET");
        assertThat(run("bridges", "list", "-q").out()).isEqualTo("bridge-a\nbridge-b\n");
    }

    @Test
    void machineListWideShowsTheNewestResources() {
        api.answer("GET /machines", 200, """
                {"items": [{"name": "db-01", "team": "ops", "host": "10.0.0.5", "port": 22, "user": "deploy",
                            "hostKey": "ssh-ed25519 AAAA", "credential": "db-key", "tags": [], "maxConcurrency": 1,
                            "paused": false, "createdAt": "2026-01-01T00:00:00Z",
                            "resources": {"sampledAt": "2026-01-01T00:01:00Z", "bridge": "bridge-a",
                                          "load": {"one": 3.5, "five": 2.0, "fifteen": 1.0, "cpus": 4},
                                          "memory": {"totalBytes": 100, "availableBytes": 40, "usedPercent": 60.0},
                                          "disk": {"path": "/", "totalBytes": 100, "usedBytes": 95, "usedPercent": 95.0},
                                          "over": ["DISK"]}},
                           {"name": "web-02", "team": "ops", "host": "10.0.0.6", "port": 22, "user": "deploy",
                            "hostKey": "ssh-ed25519 BBBB", "credential": "web-key", "tags": [], "maxConcurrency": 1,
                            "paused": false, "createdAt": "2026-01-01T00:00:00Z"}], "nextCursor": null}""");
        CliRun wide = run("machine", "list", "-o", "wide");
        assertThat(wide.exit()).as(wide.err()).isZero();
        assertThat(wide.out()).contains("LOAD", "MEM", "DISK", "3.5", "60.0%", "95.0%");
        String web = wide.out().lines().filter(line -> line.startsWith("web-02")).findFirst().orElseThrow();
        assertThat(web).contains(" - ");
    }
}
