package com.rediacc.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemMessageTest {
    @Test
    void problemJsonBecomesTheDetailWithStatusAndOneLinePerField() {
        ApiException e = ApiException.of(400, "application/problem+json", """
                {"type":"about:blank","title":"Bad Request","status":400,"detail":"invalid task",
                 "errors":[{"field":"priority","message":"must be between 1 and 5"},{"field":"machine","message":"is required"}]}""",
                "POST /tasks");
        assertThat(e.render()).isEqualTo("invalid task (HTTP 400 Bad Request)\n  priority: must be between 1 and 5\n  machine: is required");
        assertThat(e.hint()).isNull();
    }

    @Test
    void unauthorizedAndForbiddenComeWithAHint() {
        ApiException unauthorized = ApiException.of(401, "application/problem+json",
                "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"missing or invalid bearer token\"}", "GET /tasks");
        assertThat(unauthorized.render()).isEqualTo("missing or invalid bearer token (HTTP 401 Unauthorized)");
        assertThat(unauthorized.hint()).contains("rediacc login");
        assertThat(ApiException.of(403, "application/problem+json", "{\"title\":\"Forbidden\",\"status\":403}", "POST /tasks").hint())
                .contains("role");
    }

    @Test
    void aBodyThatIsNotAProblemIsShownShortened() {
        ApiException e = ApiException.of(502, "text/html", "<html>" + "x".repeat(500) + "</html>", "GET /tasks");
        assertThat(e.render()).startsWith("<html>xxx").contains("…").contains("(HTTP 502 Bad Gateway)");
        ApiException empty = ApiException.of(404, null, "", "GET /users/me");
        assertThat(empty.render()).isEqualTo("GET /users/me failed (HTTP 404 Not Found)");
        assertThat(empty.hint()).contains("does not know GET /users/me");
    }
}
