package com.rediacc.queue.sql;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL pool as Quarkus configures it, except that statements up to
 * {@link #STATEMENT_CACHE_SQL_LIMIT} characters are kept prepared per connection. Vert.x caches only
 * statements up to 2,048 characters and Quarkus cannot configure that; a longer one (create-tasks.sql
 * with its comments) was parsed and planned again on every execution.
 */
@ApplicationScoped
public class StatementCachingPool implements PgPoolCreator {
    public static final int STATEMENT_CACHE_SQL_LIMIT = 16_384;

    @Override
    public Pool create(Input input) {
        List<SqlConnectOptions> servers = new ArrayList<>();
        for (PgConnectOptions options : input.pgConnectOptionsList()) {
            servers.add(options.setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT));
        }
        return PgBuilder.pool()
                .with(input.poolOptions())
                .connectingTo(servers)
                .using(input.vertx())
                .build();
    }
}
