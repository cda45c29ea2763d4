package com.rediacc.web;

import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

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

    /**
     * As Vert.x 4.5 raises them (read from its classes): NoStackTraceThrowable, which is no
     * VertxException. "Timeout" is the pool's, for a statement it could not give a connection in time
     * (a CI run's 500 while PostgreSQL was down); the other two the connection's.
     */
    @Test
    void theReactiveClientsUntypedFailuresAreOutages() {
        assertThat(DatabaseFailures.reason(new NoStackTraceThrowable("Timeout"))).contains("no connection in time");
        assertThat(DatabaseFailures.reason(new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")))
                .contains("connection lost");
        assertThat(DatabaseFailures.reason(new NoStackTraceThrowable(
                "Pending requests failed to be sent due to connection has been closed."))).contains("connection lost");
        assertThat(DatabaseFailures.reason(new NoStackTraceThrowable("something else"))).isEmpty();
    }

    /** A pool that cannot get a connection in time, from the real client (a server that accepts and never answers). */
    @Test
    void theReactivePoolGivingUpOnAConnectionIsAnOutage() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Pool pool = PgBuilder.pool()
                    .with(new PoolOptions().setMaxSize(1).setConnectionTimeout(200).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
                    .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(silent.getLocalPort())
                            .setUser("rediacc").setDatabase("rediacc"))
                    .using(vertx).build();
            Throwable failure = pool.query("SELECT 1").execute().toCompletionStage().toCompletableFuture()
                    .handle((rows, error) -> error).get(30, TimeUnit.SECONDS);
            assertThat(failure).as("the query's failure").isNotNull();
            assertThat(DatabaseFailures.reason(failure)).as("%s", failure).contains("no connection in time");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
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
    void theMapperTakesTheClientsThrowablesThatAreNoExceptions() {
        Response response = new ProblemMappers().unexpected(
                new NoStackTraceThrowable("Connection is not active now, current status: CLOSED"));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
        assertThat(((Problem) response.getEntity()).detail()).isEqualTo("PostgreSQL is unavailable: connection lost");
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
