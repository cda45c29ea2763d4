package com.rediacc.web;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * The one place that tells "PostgreSQL cannot be reached" apart from any other failure, for both
 * clients the services use: JDBC (pgjdbc through Agroal: vault-service, Flyway) and the reactive
 * Vert.x client (queue-service). A query that PostgreSQL answered with an error of the query's own
 * (a constraint, a syntax error) is not an outage.
 */
public final class DatabaseFailures {
    private static final int MAX_CAUSES = 10;
    private static final boolean REACTIVE_CLIENT = present("io.vertx.sqlclient.DatabaseException");

    private DatabaseFailures() {
    }

    /** How the database failed, in words fit for a client (nothing of the request), if it is an outage. */
    public static Optional<String> reason(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            String why = reasonOf(cause);
            if (why != null) {
                return Optional.of(why);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }

    private static String reasonOf(Throwable e) {
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return "cannot connect";
        }
        if (e instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        // A connection reset (the server was killed): the reactive client fails the statement with the bare cause.
        if (e instanceof ClosedChannelException || e instanceof java.net.SocketException) {
            return "connection lost";
        }
        if (e instanceof SQLTransientConnectionException) {
            return "no connection in time";
        }
        if (e instanceof SQLException sql) {
            // Agroal's pool gives up waiting for a connection with a plain SQLException.
            if (sql.getSQLState() == null && String.valueOf(sql.getMessage()).startsWith("Acquisition timeout")) {
                return "no connection in time";
            }
            return reasonOfState(sql.getSQLState());
        }
        if (REACTIVE_CLIENT) {
            String why = ReactiveClient.reasonOf(e);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /**
     * SQLSTATEs of a server that is not serving: class 08 (connection exceptions), 57P01-57P03
     * (shut down by an administrator or a crash, starting up), 53300 (no connection slot left).
     */
    static String reasonOfState(String state) {
        if (state == null) {
            return null;
        }
        return switch (state) {
            case "08001", "08004" -> "cannot connect";
            case "57P01", "57P02" -> "it is shutting down";
            case "57P03" -> "it is starting up";
            case "53300" -> "no connection slot left";
            default -> state.startsWith("08") ? "connection lost" : null;
        };
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, DatabaseFailures.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The reactive client's own failures; loaded only where that client is on the class path. */
    private static final class ReactiveClient {
        static String reasonOf(Throwable e) {
            if (e instanceof io.vertx.sqlclient.DatabaseException db) {
                return reasonOfState(db.getSqlState());
            }
            if (e instanceof io.vertx.sqlclient.ClosedConnectionException) {
                return "connection lost";
            }
            // Failures the client raises without a type of their own: a NoStackTraceThrowable (not a
            // VertxException), or a VertxException around one. Both were answered 500 in an outage.
            if (e instanceof io.vertx.core.VertxException || e instanceof io.vertx.core.impl.NoStackTraceThrowable) {
                String message = String.valueOf(e.getMessage());
                // The pool gave up waiting for a connection (PoolOptions' connection timeout). Vert.x
                // 4.5 says it both ways, by the path the statement took through the pool.
                if (message.equals("Timeout") || message.startsWith("Timeout waiting for connection")) {
                    return "no connection in time";
                }
                // Requests queued on a connection that closed before they were sent, or sent to one that had.
                if (message.startsWith("Pending requests failed to be sent") || message.startsWith("Connection is not active now")) {
                    return "connection lost";
                }
            }
            return null;
        }
    }
}
