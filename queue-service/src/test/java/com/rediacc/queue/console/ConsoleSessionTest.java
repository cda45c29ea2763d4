package com.rediacc.queue.console;

import com.rediacc.queue.TestSupport;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Map;

import static com.rediacc.queue.TestSupport.admin;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's sign-in, session cookie and CSRF check against the real PostgreSQL: the cookie is
 * HttpOnly and SameSite=Strict, the table holds hashes only, a cookie authenticates API calls as
 * its caller with the same roles, a changing call needs the CSRF token, bridge endpoints never
 * take a cookie, and sign-out ends the session on the server.
 */
@QuarkusTest
class ConsoleSessionTest {
    @Inject
    Pool pool;

    @Test
    void signInSetsAnHttpOnlyStrictCookieAndStoresOnlyHashes() throws Exception {
        String token = TestSupport.userWithRole("console-a", "OPERATOR");
        Response signIn = signIn(token, "/tasks?status=PENDING");
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.header("Location")).endsWith("/tasks?status=PENDING");
        String setCookie = signIn.header("Set-Cookie");
        assertThat(setCookie).startsWith(ConsoleSessions.COOKIE + "=").contains("HttpOnly").contains("SameSite=Strict")
                .contains("Path=/").doesNotContain("Secure");
        String id = signIn.getCookie(ConsoleSessions.COOKIE);
        assertThat(id).hasSizeGreaterThan(40);

        Row row = pool.preparedQuery("SELECT * FROM console_sessions WHERE id_hash = $1")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(sha256(id))))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertThat(row.getString("caller_kind")).isEqualTo("USER");
        assertThat(row.getBuffer("csrf_hash").getBytes()).isEqualTo(sha256(ConsoleSessions.csrfToken(id)));
        assertThat(row.getBuffer("token_fingerprint").getBytes()).isEqualTo(sha256(sha256(token)));
        assertThat(row.getOffsetDateTime("expires_at")).isAfter(row.getOffsetDateTime("created_at"));
        // Nothing in the table is the session id, the CSRF token or the API token.
        String everything = pool.query("SELECT string_agg(console_sessions::text, '|') AS t FROM console_sessions")
                .execute().await().atMost(Duration.ofSeconds(10)).iterator().next().getString("t");
        assertThat(everything).doesNotContain(id).doesNotContain(token).doesNotContain(ConsoleSessions.csrfToken(id));

        // The bootstrap token signs in as a global admin, without a user row.
        Response bootstrap = signIn(TestSupport.ADMIN_TOKEN, "/");
        assertThat(bootstrap.statusCode()).isEqualTo(303);
        cookie(bootstrap.getCookie(ConsoleSessions.COOKIE)).get("/api/v1/console/me").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.equalTo("bootstrap-admin"))
                .body("globalAdmin", org.hamcrest.Matchers.equalTo(true));

        // The token never reaches the log (everything at DEBUG in target/quarkus.log).
        assertThat(Files.readString(Path.of("target/quarkus.log"), StandardCharsets.UTF_8)).doesNotContain(token);
    }

    @Test
    void aBadTokenIsRefusedAndSetsNoCookie() {
        for (String bad : List.of("wrong", "rdc_notatoken", TestSupport.BRIDGE_TOKEN, "")) {
            Response refused = signIn(bad, "/");
            assertThat(refused.statusCode()).as(bad).isIn(400, 401);
            assertThat(refused.header("Set-Cookie")).as(bad).isNull();
            assertThat(refused.asString()).doesNotContain(bad.isEmpty() ? "\u0000" : bad);
        }
        // A made-up cookie is no session.
        cookie("made-up").get("/api/v1/queue/stats").then().statusCode(401);
    }

    @Test
    void aCookieAuthenticatesReadsAsItsCaller() {
        String token = TestSupport.userWithRole("console-b", "VIEWER");
        String id = session(token);
        cookie(id).get("/api/v1/queue/stats").then().statusCode(200);
        cookie(id).get("/api/v1/console/me").then().statusCode(200)
                .body("roles.console-b", org.hamcrest.Matchers.equalTo("VIEWER"));
        cookie(id).get("/api/v1/tasks?team=ops").then().statusCode(404); // another team does not exist for them
        // The page: the CSRF token in a meta tag, never the session id or the token.
        String page = cookie(id).get("/").then().statusCode(200).contentType(ContentType.HTML).extract().asString();
        assertThat(page).contains("<meta name=\"csrf-token\" content=\"" + ConsoleSessions.csrfToken(id) + "\">")
                .doesNotContain(id).doesNotContain(token);
        Response page2 = cookie(id).get("/tasks");
        assertThat(page2.header("Content-Security-Policy")).contains("default-src 'self'");
    }

    @Test
    void aChangingCallNeedsTheCsrfTokenAndChangesNothingWithoutIt() {
        String machine = TestSupport.registerMachine("console-c", 1, List.of());
        String id = session(TestSupport.userWithRole("console-c", "OPERATOR"));
        Map<String, Object> task = Map.of("machine", machine, "command", "echo csrf");

        Response without = cookie(id).body(task).post("/api/v1/tasks");
        assertThat(without.statusCode()).isEqualTo(403);
        assertThat(without.contentType()).startsWith("application/problem+json");
        assertThat(without.asString()).contains("X-CSRF-Token");
        cookie(id).header("X-CSRF-Token", "wrong").body(task).post("/api/v1/tasks").then().statusCode(403);
        cookie(id).header("X-CSRF-Token", ConsoleSessions.csrfToken(session(TestSupport.ADMIN_TOKEN)))
                .body(task).post("/api/v1/tasks").then().statusCode(403); // another session's token
        assertThat(tasksOn(machine)).as("a refused call changed nothing").isZero();

        cookie(id).header("X-CSRF-Token", ConsoleSessions.csrfToken(id)).body(task).post("/api/v1/tasks")
                .then().statusCode(201);
        assertThat(tasksOn(machine)).isEqualTo(1);
    }

    @Test
    void signOutEndsTheSession() {
        String id = session(TestSupport.userWithRole("console-d", "VIEWER"));
        cookie(id).get("/api/v1/queue/stats").then().statusCode(200);
        RestAssured.given().redirects().follow(false).cookie(ConsoleSessions.COOKIE, id).contentType(ContentType.URLENC)
                .formParam("csrf", "wrong").post("/sign-out").then().statusCode(403);
        Response out = RestAssured.given().redirects().follow(false).cookie(ConsoleSessions.COOKIE, id)
                .contentType(ContentType.URLENC).formParam("csrf", ConsoleSessions.csrfToken(id)).post("/sign-out");
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0");
        cookie(id).get("/api/v1/queue/stats").then().statusCode(401);
        assertThat(cookie(id).redirects().follow(false).get("/").header("Location")).contains("/sign-in");
        long rows = pool.preparedQuery("SELECT count(*) FROM console_sessions WHERE id_hash = $1")
                .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(sha256(id))))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
        assertThat(rows).isZero();
    }

    @Test
    void signInSignOutAndRefusedSignInsAreInTheAuditTrail() {
        String token = TestSupport.userWithRole("console-audit", "VIEWER");
        String id = session(token);
        String name = cookie(id).get("/api/v1/console/me").then().statusCode(200).extract().path("name");
        RestAssured.given().redirects().follow(false).cookie(ConsoleSessions.COOKIE, id).contentType(ContentType.URLENC)
                .formParam("csrf", ConsoleSessions.csrfToken(id)).post("/sign-out").then().statusCode(303);
        String bad = "rdc_" + UUID.randomUUID();
        assertThat(signIn(bad, "/").statusCode()).isEqualTo(401);

        List<String> mine = TestSupport.admin().get("/api/v1/audit?actor=" + name + "&limit=50")
                .then().statusCode(200).extract().path("items.action");
        assertThat(mine).contains("console.sign-in", "console.sign-out");
        Response refused = TestSupport.admin().get("/api/v1/audit?actor=anonymous&action=console.sign-in&limit=1");
        assertThat(refused.<String>path("items[0].result")).isEqualTo("DENIED");
        assertThat(refused.asString()).as("the trail never holds a presented token").doesNotContain(bad);
    }

    @Test
    void replacingTheTokenEndsTheUsersSessions() {
        String token = TestSupport.userWithRole("console-e", "VIEWER");
        String name = TestSupport.as(token).get("/api/v1/console/me").then().statusCode(200).extract().path("name");
        String id = session(token);
        admin().post("/api/v1/users/" + name + "/token").then().statusCode(200);
        cookie(id).get("/api/v1/queue/stats").then().statusCode(401);
    }

    @Test
    void aViewersCookieCannotCancel() {
        String machine = TestSupport.registerMachine("console-f", 1, List.of());
        String taskId = TestSupport.createTask(machine, "echo keep me", 3);
        String id = session(TestSupport.userWithRole("console-f", "VIEWER"));
        cookie(id).header("X-CSRF-Token", ConsoleSessions.csrfToken(id)).body(Map.of())
                .post("/api/v1/tasks/" + taskId + "/cancel").then().statusCode(403);
        cookie(id).header("X-CSRF-Token", ConsoleSessions.csrfToken(id)).body(Map.of("taskIds", List.of(taskId)))
                .post("/api/v1/tasks/cancel").then().statusCode(200)
                .body("results[0].result", org.hamcrest.Matchers.equalTo("FORBIDDEN"));
        admin().get("/api/v1/tasks/" + taskId).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("PENDING"));
    }

    @Test
    void bridgeEndpointsNeverTakeACookie() {
        String id = session(TestSupport.ADMIN_TOKEN);
        cookie(id).header("X-CSRF-Token", ConsoleSessions.csrfToken(id)).header("X-Rediacc-Bridge", "b")
                .body(Map.of("machine", "x", "bridgeId", "b", "tags", List.of(), "max", 1)).post("/api/v1/bridge/claims").then().statusCode(401);
    }

    @Test
    void pagesNeedASessionAndComeBackAfterSignIn() {
        Response page = RestAssured.given().redirects().follow(false).get("/tasks?status=FAILED&machine=m1");
        assertThat(page.statusCode()).isEqualTo(303);
        assertThat(page.header("Location")).endsWith("/sign-in?next=%2Ftasks%3Fstatus%3DFAILED%26machine%3Dm1");
        assertThat(signIn(TestSupport.ADMIN_TOKEN, "//evil.example/x").header("Location")).doesNotContain("evil");
        RestAssured.given().get("/sign-in").then().statusCode(200).contentType(ContentType.HTML);
        // A form posted from another site is refused.
        RestAssured.given().redirects().follow(false).header("Origin", "http://evil.example")
                .contentType(ContentType.URLENC).formParam("token", TestSupport.ADMIN_TOKEN).post("/sign-in")
                .then().statusCode(403);
    }

    @Test
    void swaggerUiAndTheAssetsAreServed() {
        RestAssured.given().get("/q/swagger-ui").then().statusCode(200);
        RestAssured.given().get("/q/openapi").then().statusCode(200);
        RestAssured.given().get("/console/console.js").then().statusCode(200);
        RestAssured.given().get("/console/console.css").then().statusCode(200);
    }

    static Response signIn(String token, String next) {
        // as a browser does: Origin names this site
        return RestAssured.given().redirects().follow(false).contentType(ContentType.URLENC)
                .header("Origin", "http://localhost:" + RestAssured.port)
                .formParam("token", token).formParam("next", next).post("/sign-in");
    }

    static String session(String token) {
        Response response = signIn(token, "/");
        assertThat(response.statusCode()).isEqualTo(303);
        return response.getCookie(ConsoleSessions.COOKIE);
    }

    static RequestSpecification cookie(String id) {
        return RestAssured.given().cookie(ConsoleSessions.COOKIE, id).contentType(ContentType.JSON);
    }

    private static long tasksOn(String machine) {
        List<Object> items = new ArrayList<>(admin().get("/api/v1/tasks?machine=" + machine).then().statusCode(200)
                .extract().jsonPath().getList("items"));
        return items.size();
    }

    static byte[] sha256(String s) throws RuntimeException {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
