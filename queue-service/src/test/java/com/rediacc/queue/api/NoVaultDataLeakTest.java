package com.rediacc.queue.api;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static com.rediacc.queue.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Bodies of POST /api/v1/tasks that cannot be read, each holding a vaultData secret: the problem
 * answers say what is wrong without quoting the secret, and the service log (everything at DEBUG,
 * target/quarkus.log) never shows it. The malformed JSON is answered by web-common's mapper, found
 * in its jar: only it says where the JSON breaks.
 */
@QuarkusTest
class NoVaultDataLeakTest {
    private static final Path LOG = Path.of("target/quarkus.log");

    @Test
    void aSecretInABadBodyIsNeitherAnsweredNorLogged() throws Exception {
        // Letters and digits only, so that a parser message quoting the token would quote all of it.
        String secret = "vaultSecret" + UUID.randomUUID().toString().replace("-", "");
        String task = "\"machine\": \"" + TestSupport.registerMachine(1) + "\", \"command\": \"true\"";

        String bare = post(secret)
                .body("title", equalTo("Malformed JSON"))
                .body("detail", equalTo("the request body is not valid JSON (line 1, column 1)"))
                .extract().asString();
        String unquoted = post("{" + task + ", \"vaultData\": {\"password\": " + secret + "}}")
                .body("title", equalTo("Malformed JSON"))
                .body("detail", containsString("(line 1, column "))
                .extract().asString();
        String cutOff = post("{" + task + ", \"vaultData\": {\"password\": \"" + secret)
                .body("title", equalTo("Malformed JSON"))
                .extract().asString();
        String wrongType = post("{" + task + ", \"priority\": \"" + secret + "\"}")
                .body("errors[0].field", equalTo("priority"))
                .extract().asString();
        String misspelt = post("{" + task + ", \"vaultdata\": {\"password\": \"" + secret + "\"}}")
                .body("detail", equalTo("unknown field 'vaultdata'"))
                .extract().asString();
        String notAnObject = post("{" + task + ", \"vaultData\": \"" + secret + "\"}")
                .body("errors[0].field", equalTo("vaultData"))
                .extract().asString();

        assertThat(new String[] {bare, unquoted, cutOff, wrongType, misspelt, notAnObject})
                .allSatisfy(answer -> assertThat(answer).doesNotContain(secret));
        String log = Files.readString(LOG, StandardCharsets.UTF_8);
        assertThat(log).contains("DEBUG"); // the log really is at DEBUG
        assertThat(log).doesNotContain(secret);
    }

    private static ValidatableResponse post(String body) {
        return admin().body(body).post("/api/v1/tasks")
                .then().statusCode(400).contentType("application/problem+json");
    }
}
