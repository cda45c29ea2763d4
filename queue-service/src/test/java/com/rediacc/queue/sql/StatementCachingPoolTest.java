package com.rediacc.queue.sql;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Long statements stay prepared on their connection (against the real PostgreSQL). */
@QuarkusTest
class StatementCachingPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Test
    void aStatementLongerThanTheVertxDefaultIsPreparedOnce() {
        String longStatement = "SELECT $1::int + 1 -- " + "x".repeat(5_000);
        SqlConnection connection = pool.getConnection().await().atMost(WAIT);
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(connection.preparedQuery(longStatement).execute(Tuple.of(i)).await().atMost(WAIT)
                        .iterator().next().getInteger(0)).isEqualTo(i + 1);
            }
            long prepared = connection.preparedQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1")
                    .execute(Tuple.of(longStatement)).await().atMost(WAIT).iterator().next().getLong(0);
            assertThat(prepared).as("server-side prepared statements of the long SQL").isEqualTo(1);
        } finally {
            connection.close().await().atMost(WAIT);
        }
    }

    @Test
    void everySqlFileFitsTheStatementCache() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/sql"))) {
            List<Path> sql = files.filter(f -> f.toString().endsWith(".sql")).toList();
            assertThat(sql).isNotEmpty();
            for (Path file : sql) {
                assertThat(Files.readString(file).length()).as(file.toString())
                        .isLessThanOrEqualTo(StatementCachingPool.STATEMENT_CACHE_SQL_LIMIT);
            }
        }
    }
}
