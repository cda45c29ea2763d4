package com.rediacc.queue.tasks;

import com.rediacc.queue.TestSupport;
import com.rediacc.queue.sql.SqlFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sweeper's stranded-work query stays an index probe per machine when the PENDING backlog is
 * large and sits on one paused machine (a bulk enqueue, a machine paused for maintenance). Its
 * earlier form let {@code LIMIT 1} make a sequential scan of all tasks look cheap, and every
 * sweep then read the whole table once per running machine.
 */
@QuarkusTest
class StrandedWorkPlanTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Pool pool;

    @Test
    void aLargeBacklogOnAPausedMachineIsNeverScanned() {
        String paused = TestSupport.registerMachine(1);
        TestSupport.admin().post("/api/v1/machines/" + paused + "/pause").then().statusCode(200);
        String running = TestSupport.registerMachine(1);
        try {
            pool.preparedQuery("""
                            INSERT INTO tasks (task_id, team, machine, command, status, priority, created_at)
                            SELECT gen_random_uuid(), 'ops', $1, 'true', 'PENDING', 3, now() - interval '1 hour'
                            FROM generate_series(1, 40000)""")
                    .execute(Tuple.of(paused)).await().atMost(WAIT);
            pool.query("ANALYZE tasks").execute().await().atMost(WAIT);

            String plan = String.join("\n", column(pool.preparedQuery("EXPLAIN " + SqlFiles.load("machines-with-stranded-work"))
                    .execute(Tuple.of(3)).await().atMost(WAIT), 0));
            assertThat(plan).as("plan of machines-with-stranded-work.sql").doesNotContain("Seq Scan on tasks");

            // And it finds nothing to re-dispatch: the backlog is the paused machine's.
            assertThat(column(pool.preparedQuery(SqlFiles.load("machines-with-stranded-work")).execute(Tuple.of(3))
                    .await().atMost(WAIT), 0)).doesNotContain(paused, running);
        } finally {
            pool.preparedQuery("DELETE FROM tasks WHERE machine = $1").execute(Tuple.of(paused)).await().atMost(WAIT);
        }
    }

    private static List<String> column(RowSet<Row> rows, int index) {
        List<String> values = new ArrayList<>();
        rows.forEach(row -> values.add(row.getString(index)));
        return values;
    }
}
