package com.rediacc.web;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseFailuresTest {
    @Test
    void theReactiveClientsOutagesAreOutages() {
        assertThat(DatabaseFailures.reason(new CompletionException(new ConnectException("Connection refused"))))
                .contains("cannot connect");
        assertThat(DatabaseFailures.reason(ClosedConnectionException.INSTANCE)).contains("connection lost");
        // PostgreSQL killed under a statement: the reactive client fails it with the socket's own reset (a CI run's 500)
        assertThat(DatabaseFailures.reason(new java.net.SocketException("Connection reset"))).contains("connection lost");
        assertThat(DatabaseFailures.reason(new VertxException("Timeout waiting for connection", true)))
                .contains("no connection in time");
        assertThat(DatabaseFailures.reason(new VertxException(
                "Pending requests failed to be sent due to connection has been closed.", true))).contains("connection lost");
        assertThat(DatabaseFailures.reason(pg("57P03", "the database system is starting up"))).contains("it is starting up");
        assertThat(DatabaseFailures.reason(pg("57P01", "terminating connection due to administrator command")))
                .contains("it is shutting down");
        assertThat(DatabaseFailures.reason(pg("53300", "sorry, too many clients already"))).contains("no connection slot left");
    }

    @Test
    void jdbcsOutagesAreOutages() {
        assertThat(DatabaseFailures.reason(new SQLException("Connection to 127.0.0.1:5432 refused", "08001")))
                .contains("cannot connect");
        assertThat(DatabaseFailures.reason(new SQLException("An I/O error occurred", "08006", new SocketTimeoutException("Read timed out"))))
                .contains("connection lost");
        assertThat(DatabaseFailures.reason(new SQLException("Acquisition timeout while waiting for new connection")))
                .contains("no connection in time");
        assertThat(DatabaseFailures.reason(new RuntimeException(new SocketTimeoutException("Read timed out"))))
                .contains("no answer in time");
    }

    @Test
    void anAnsweredQueryIsNoOutage() {
        assertThat(DatabaseFailures.reason(pg("23505", "duplicate key value violates unique constraint"))).isEmpty();
        assertThat(DatabaseFailures.reason(new SQLException("syntax error", "42601"))).isEmpty();
        assertThat(DatabaseFailures.reason(new SQLException("no state"))).isEmpty();
        assertThat(DatabaseFailures.reason(new IllegalStateException("bug"))).isEmpty();
        assertThat(DatabaseFailures.reason(new VertxException("something else", true))).isEmpty();
    }

    @Test
    void aCauseLoopEnds() {
        Exception first = new Exception("a");
        Exception second = new Exception("b", first);
        first.initCause(second);
        assertThat(DatabaseFailures.reason(first)).isEmpty();
    }

    @Test
    void theMapperAnswers503WithRetryAfterAndNamesPostgresql() {
        Response response = new ProblemMappers().unexpected(new CompletionException(ClosedConnectionException.INSTANCE));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
        Problem problem = (Problem) response.getEntity();
        assertThat(problem.type()).isEqualTo("urn:rediacc:unavailable:PostgreSQL");
        assertThat(problem.detail()).isEqualTo("PostgreSQL is unavailable: connection lost");
    }

    @Test
    void anyOtherFailureStaysA500() {
        Response response = new ProblemMappers().unexpected(new IllegalStateException("bug"));

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getHeaderString("Retry-After")).isNull();
    }

    private static PgException pg(String state, String message) {
        return new PgException(message, "FATAL", state, null);
    }
}
