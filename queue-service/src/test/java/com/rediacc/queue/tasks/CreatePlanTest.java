package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import com.rediacc.queue.sql.StatementCachingPool;
import com.rediacc.queue.sql.TaskCreatesPool;
import com.rediacc.queue.tasks.store.TaskStore;
import com.rediacc.queue.tasks.store.TaskStore.NewTaskRow;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tasks are created on connections that plan create-tasks.sql once. Without plan_cache_mode
 * force_generic_plan, single creates are planned again on each execution: always the first five of
 * a session, and after that for as long as PostgreSQL estimates its custom plans cheaper than the
 * generic one, which depends on the tables' statistics at that moment (autoanalyze): usually every
 * execution, in one loaded CI run only the first five.
 */
@QuarkusTest
class CreatePlanTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CREATES = 8;

    @Inject
    @ReactiveDataSource(TaskCreatesPool.NAME)
    Pool taskCreates;
    @Inject
    Vertx vertx;
    @Inject
    TaskStore tasks;

    @Test
    void singleCreatesUseOneGenericPlan() {
        Plans plans = createOneByOne(taskCreates);
        assertThat(plans.mode()).isEqualTo("force_generic_plan");
        assertThat(plans.custom()).as("custom plans").isZero();
        assertThat(plans.generic()).as("executions on the generic plan").isEqualTo(CREATES);
    }

    /** The same on a new connection without the setting, as the default pool opens them: why task-creates exists. */
    @Test
    void withoutItSingleCreatesArePlannedEachTime() {
        Config config = ConfigProvider.getConfig();
        PgConnectOptions options = PgConnectOptions.fromUri(config.getValue("quarkus.datasource.reactive.url", String.class))
                .setUser(config.getValue("quarkus.datasource.username", String.class))
                .setPassword(config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null))
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheSqlLimit(StatementCachingPool.STATEMENT_CACHE_SQL_LIMIT);
        Pool fresh = PgBuilder.pool().connectingTo(options).with(new PoolOptions().setMaxSize(1)).using(vertx).build();
        try {
            Plans plans = createOneByOne(fresh);
            assertThat(plans.mode()).isEqualTo("auto");
            assertThat(plans.custom()).as("custom plans: at least the session's first five").isGreaterThanOrEqualTo(5);
            assertThat(plans.custom() + plans.generic()).as("every execution planned one way or the other").isEqualTo(CREATES);
        } finally {
            fresh.close().await().atMost(WAIT);
        }
    }

    private record Plans(String mode, long generic, long custom) {
    }

    /** CREATES batches of one task each on one connection of {@code from}: how that session planned them. */
    private Plans createOneByOne(Pool from) {
        String machine = TestSupport.registerMachine(1);
        SqlConnection db = from.getConnection().await().atMost(WAIT);
        try {
            Plans before = plans(db); // the connection may have created tasks for other tests
            for (int i = 0; i < CREATES; i++) {
                NewTaskRow row = TestTaskRows.row(machine, "echo " + i);
                assertThat(tasks.create(db, List.of(row)).await().atMost(WAIT)).containsKey(row.taskId());
            }
            Plans after = plans(db);
            return new Plans(after.mode(), after.generic() - before.generic(), after.custom() - before.custom());
        } finally {
            db.close().await().atMost(WAIT);
        }
    }

    private static Plans plans(SqlConnection db) {
        Row row = db.query("""
                        SELECT current_setting('plan_cache_mode') AS mode,
                               coalesce(sum(generic_plans), 0) AS generic, coalesce(sum(custom_plans), 0) AS custom
                        FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO tasks%'""")
                .execute().await().atMost(WAIT).iterator().next();
        return new Plans(row.getString("mode"), row.getLong("generic"), row.getLong("custom"));
    }
}
