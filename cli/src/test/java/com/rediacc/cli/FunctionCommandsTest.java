package com.rediacc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The function commands against a fake API: what they send, what they print, how they exit. */
class FunctionCommandsTest extends FakeApiTest {
    private static final String FUNCTION = """
            {"team": "Production", "name": "deploy", "version": 3, "description": "roll out the app",
             "script": "#!/bin/sh\\necho deploying $env\\n./deploy.sh --replicas $replicas",
             "params": [
               {"name": "env", "type": "enum", "required": true, "values": ["staging", "prod"]},
               {"name": "replicas", "type": "int", "default": 2},
               {"name": "token", "type": "string", "secret": true, "description": "the registry token"}],
             "defaults": {"priority": 2, "timeoutSeconds": 1800, "maxRetries": 1, "failureAction": "ALERT",
                          "onExit": {"command": "./notify.sh"}},
             "createdAt": "2026-12-06T10:00:00Z", "createdBy": "admin"}""";


    @Test
    void putSendsTheScriptTheDeclaredParamsAndTheTaskDefaults() throws Exception {
        Path script = dir.resolve("deploy.sh");
        Files.writeString(script, "#!/bin/sh\n./deploy.sh\n");
        api.answer("PUT /teams/Production/functions/deploy", 201, FUNCTION);
        CliRun put = run("function", "put", "deploy", "--team", "Production", "--script-file", script.toString(),
                "--description", "roll out the app",
                "--param", "env:enum:required", "--enum-values", "env=staging,prod", "--param", "replicas:int=2",
                "--param", "token:string:secret", "--param", "dry:bool=false", "--param", "label=a:b=c",
                "--priority", "2", "--timeout", "30m", "--retries", "1", "--alert", "--on-exit", "./notify.sh");
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).isEqualTo("function deploy version 3 saved (team Production)\n");
        assertThat(api.only("PUT").body()).isEqualTo(ApiClient.JSON.readTree("""
                {"script": "#!/bin/sh\\n./deploy.sh\\n", "description": "roll out the app",
                 "params": [
                   {"name": "env", "type": "enum", "required": true, "values": ["staging", "prod"]},
                   {"name": "replicas", "type": "int", "default": 2},
                   {"name": "token", "type": "string", "secret": true},
                   {"name": "dry", "type": "bool", "default": false},
                   {"name": "label", "type": "string", "default": "a:b=c"}],
                 "defaults": {"priority": 2, "timeoutSeconds": 1800, "maxRetries": 1, "failureAction": "ALERT",
                              "onExit": {"command": "./notify.sh"}}}"""));

        CliRun quiet = run("function", "put", "deploy", "--team", "Production", "--script", "true", "-q");
        assertThat(quiet.out()).isEqualTo("3\n");
        assertThat(api.all("PUT", "/teams/Production/functions/deploy").get(1).body())
                .isEqualTo(ApiClient.JSON.readTree("{\"script\": \"true\"}"));
    }

    @Test
    void putFromAFileTakesWhatShowPrintedAndOptionsReplaceItsFields() throws Exception {
        Path file = dir.resolve("deploy.json");
        Files.writeString(file, FUNCTION);
        api.answer("PUT /teams/Production/functions/deploy-copy", 201, FUNCTION);
        CliRun put = run("function", "put", "deploy-copy", "--team", "Production", "--file", file.toString(),
                "--description", "a copy", "--priority", "4");
        assertThat(put.exit()).as(put.err()).isZero();
        JsonNode body = api.only("PUT").body();
        assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("description", "script", "params", "defaults");
        assertThat(body.path("description").asText()).isEqualTo("a copy");
        assertThat(body.path("params")).hasSize(3);
        assertThat(body.path("defaults")).isEqualTo(ApiClient.JSON.readTree("""
                {"priority": 4, "timeoutSeconds": 1800, "maxRetries": 1, "failureAction": "ALERT", "onExit": {"command": "./notify.sh"}}"""));

        Path yaml = dir.resolve("uptime.yaml");
        Files.writeString(yaml, "script: uptime\nparams:\n  - {name: MOUNT, type: string, default: /}\n");
        api.answer("PUT /teams/Production/functions/uptime", 201, FUNCTION);
        assertThat(run("function", "put", "uptime", "--team", "Production", "--file", yaml.toString()).exit()).isZero();
        assertThat(api.all("PUT", "/teams/Production/functions/uptime").getFirst().body()).isEqualTo(ApiClient.JSON.readTree(
                "{\"script\": \"uptime\", \"params\": [{\"name\": \"MOUNT\", \"type\": \"string\", \"default\": \"/\"}]}"));
    }

    @Test
    void putRefusesABadDeclarationBeforeAnyCall() throws Exception {
        String[] base = {"function", "put", "deploy", "--team", "Production", "--script", "true"};
        assertUsage(run("function", "put", "deploy", "--team", "Production"), "missing required option: --script-file or --script");
        assertUsage(run("function", "put", "deploy", "--script", "true"), "Missing required option: '--team=TEAM'");
        assertUsage(run(with(base, "--script-file", "x.sh")), "use --script or --script-file, not both");
        assertUsage(run(with(base, "--param", "ratio:float")), "'float' is not a type (string, int, bool, enum), required or secret");
        assertUsage(run(with(base, "--param", "x:required:required")), "'required' is not a type");
        assertUsage(run(with(base, "--param", ":int")), "has no name");
        assertUsage(run(with(base, "--param", "env:enum")), "--param env:enum needs its values: --enum-values env=A,B,...");
        assertUsage(run(with(base, "--param", "env", "--enum-values", "env=a,b")), "no enum param env is declared");
        assertUsage(run(with(base, "--enum-values", "env=a,b")), "--enum-values goes with the --param that declares the enum");
        assertUsage(run(with(base, "--param", "env:enum", "--enum-values", "env=a,,b")), "has an empty value");
        assertUsage(run(with(base, "--param", "env:enum=c", "--enum-values", "env=a,b")), "the default 'c' is not one of [a, b]");
        assertUsage(run(with(base, "--param", "n:int=abc")), "--param n: the default 'abc' is not an integer");
        assertUsage(run(with(base, "--param", "b:bool=yes")), "--param b: the default 'yes' is not true or false");
        assertUsage(run(with(base, "--param", "t:secret=x")), "a secret param has no default");
        assertUsage(run(with(base, "--param", "a", "--param", "a:int")), "--param a is declared twice");
        assertUsage(run(with(base, "--priority", "7")), "--priority must be between 1 and 5");
        assertUsage(run(with(base, "--vault-file", "v.json")), "Unknown options: '--vault-file'");
        Path notJson = dir.resolve("f.json");
        Files.writeString(notJson, "{script: ");
        assertUsage(run("function", "put", "deploy", "--team", "Production", "--file", notJson.toString()), "is not JSON");
        assertUsage(run("function", "put", "deploy", "--team", "Production", "--file", dir.resolve("none.json").toString()),
                "cannot read --file");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void aDefinitionTheServerRefusesIsAFailureWithItsFieldMessages() {
        api.answer("PUT /teams/Production/functions/deploy", 400, """
                {"title": "Bad Request", "status": 400, "detail": "invalid request",
                 "errors": [{"field": "params[0].name", "message": "'PATH' is reserved"}]}""");
        CliRun bad = run("function", "put", "deploy", "--team", "Production", "--script", "true", "--param", "PATH");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("invalid request (HTTP 400 Bad Request)").contains("params[0].name: 'PATH' is reserved");
    }

    @Test
    void listShowsTheNewestVersionOfEachWithItsParamsAsPutDeclaresThem() {
        api.answer("GET /teams/Production/functions", 200, "{\"items\": [" + FUNCTION + "], \"nextCursor\": \"deploy\"}");
        CliRun list = run("function", "list", "--team", "Production");
        assertThat(list.exit()).as(list.err()).isZero();
        List<String> lines = list.out().lines().toList();
        assertThat(lines.getFirst()).matches("NAME\\s+VERSION\\s+CREATED\\s+PARAMS\\s+DESCRIPTION");
        assertThat(lines.get(1)).matches("deploy\\s+3\\s+2026-12-06T10:00:00Z\\s+env:enum:required, replicas:int=2, "
                + "token:string:secret\\s+roll out the app");
        assertThat(list.err()).contains("more: --cursor deploy");
        assertThat(run("function", "list", "--team", "Production", "-q").out()).isEqualTo("deploy\n");
        assertThat(run("function", "list", "--team", "Production", "-o", "wide").out())
                .contains("priority 2, 1 retries, timeout 1800s, ALERT, on exit ./notify.sh");
    }

    @Test
    void showPrintsTheParamsTheDefaultsAndTheScriptOfTheNewestOrAGivenVersion() {
        api.answer("GET /teams/Production/functions/deploy", 200, FUNCTION);
        api.answer("GET /teams/Production/functions/deploy/versions/2", 200, FUNCTION.replace("\"version\": 3", "\"version\": 2"));
        CliRun show = run("function", "show", "deploy", "--team", "Production");
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).containsPattern("Function:\\s+deploy\n").containsPattern("Version:\\s+3\n")
                .containsPattern("Defaults:\\s+priority 2, 1 retries, timeout 1800s, ALERT, on exit ./notify.sh")
                .containsPattern("Created:\\s+2026-12-06T10:00:00Z by admin")
                .containsPattern("  env\\s+enum\\s+yes\\s+staging,prod")
                .containsPattern("  replicas\\s+int\\s+2")
                .containsPattern("  token\\s+string\\s+yes\\s+the registry token")
                .endsWith("Script:\n  #!/bin/sh\n  echo deploying $env\n  ./deploy.sh --replicas $replicas\n");
        CliRun version = run("function", "show", "deploy", "--team", "Production", "--version", "2");
        assertThat(version.out()).containsPattern("Version:\\s+2\n");
        assertThat(api.requests.getLast().path()).isEqualTo("/teams/Production/functions/deploy/versions/2");
        assertThat(run("function", "show", "deploy", "--team", "Production", "-o", "json").out()).contains("\"version\" : 3");
        assertThat(run("function", "show", "deploy", "--team", "Production", "--version", "0").exit()).isEqualTo(2);
    }

    @Test
    void versionsListsNewestFirstAndQuietOnlyTheirNumbers() {
        api.answer("GET /teams/Production/functions/deploy/versions", 200, "{\"items\": [" + FUNCTION + ", "
                + FUNCTION.replace("\"version\": 3", "\"version\": 1").replace("roll out the app", "first") + "]}");
        CliRun versions = run("function", "versions", "deploy", "--team", "Production");
        assertThat(versions.exit()).as(versions.err()).isZero();
        List<String> lines = versions.out().lines().toList();
        assertThat(lines.getFirst()).matches("VERSION\\s+CREATED\\s+BY\\s+PARAMS\\s+DESCRIPTION");
        assertThat(lines.get(1)).matches("3\\s+2026-12-06T10:00:00Z\\s+admin\\s+env:enum:required.*roll out the app");
        assertThat(lines.get(2)).matches("1\\s+.*first");
        assertThat(run("function", "versions", "deploy", "--team", "Production", "-q").out()).isEqualTo("3\n1\n");
    }

    @Test
    void deleteWithoutConfirmOnlySaysWhatItWouldDelete() {
        api.answer("GET /teams/Production/functions/deploy/versions", 200, "{\"items\": [" + FUNCTION + ", " + FUNCTION + "]}");
        api.answer("DELETE /teams/Production/functions/deploy", 204, "");
        CliRun dry = run("function", "delete", "deploy", "--team", "Production");
        assertThat(dry.exit()).isEqualTo(2);
        assertThat(dry.err()).isEqualTo("would delete function deploy of team Production (2 versions, newest 3); "
                + "nothing changed: add --confirm\n");
        assertThat(api.requests).extracting(FakeApi.Request::method).containsExactly("GET");
        CliRun delete = run("function", "delete", "deploy", "--team", "Production", "--confirm");
        assertThat(delete.exit()).isZero();
        assertThat(delete.err()).isEqualTo("function deploy deleted (team Production)\n");
        assertThat(api.only("DELETE").path()).isEqualTo("/teams/Production/functions/deploy");

        CliRun unknown = run("function", "delete", "nope", "--team", "Production", "--confirm");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("(HTTP 404 Not Found)");
    }

    static void assertUsage(CliRun run, String message) {
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message);
    }

    static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
