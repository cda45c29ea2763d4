package com.rediacc.queue.sql;

import com.rediacc.queue.QueueConfig;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL pool as Quarkus configures it, except that statements up to
 * {@link #STATEMENT_CACHE_SQL_LIMIT} characters are kept prepared per connection. Vert.x caches only
 * statements up to 2,048 characters and Quarkus cannot configure that; a longer one (create-tasks.sql
 * with its comments) was parsed and planned again on every execution.
 *
 * <p>And waits are bounded (rediacc.database.*, docs/adr/0016): a statement waits at most
 * {@code acquire-timeout} for a connection, a new connection's TCP connect at most
 * {@code connect-timeout}, so that a database that is down or hung fails new work fast instead of
 * queueing it without end.
 */
@ApplicationScoped
public class StatementCachingPool implements PgPoolCreator {
    public static final int STATEMENT_CACHE_SQL_LIMIT = 16_384;

    @Inject
    QueueConfig config;

    @Override
    public Pool create(Input input) {
        List<SqlConnectOptions> servers = new ArrayList<>();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            options.setConnectTimeout((int) config.database().connectTimeout().toMillis());
            servers.add(options.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT));
        }
        PoolOptions pool = input.poolOptions()
                .setConnectionTimeout((int) config.database().acquireTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
        return PgBuilder.pool()
                .with(pool)
                .connectingTo(servers)
                .using(input.vertx())
                .build();
    }
}
