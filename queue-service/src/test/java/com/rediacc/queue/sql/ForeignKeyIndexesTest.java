package com.rediacc.queue.sql;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every foreign key of the schema has an index that starts with its referencing columns: deleting
 * a referenced row (a task) then checks each reference with an index probe instead of a scan of
 * the referencing table per deleted row (40,000 tasks took 31 s before V8).
 */
@QuarkusTest
class ForeignKeyIndexesTest {
    @Inject
    Pool pool;

    @Test
    void everyForeignKeyIsIndexedOnItsReferencingSide() {
        List<String> unindexed = new ArrayList<>();
        pool.query("""
                        SELECT c.conname, c.conrelid::regclass::text AS referencing
                        FROM pg_constraint c
                        WHERE c.contype = 'f'
                          AND c.connamespace = 'public'::regnamespace
                          AND NOT EXISTS (
                              SELECT 1 FROM pg_index i
                              WHERE i.indrelid = c.conrelid
                                AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] = c.conkey)""")
                .execute().await().atMost(Duration.ofSeconds(30))
                .forEach(row -> unindexed.add(row.getString("referencing") + "." + row.getString("conname")));
        assertThat(unindexed).as("foreign keys without an index on their referencing columns").isEmpty();
    }

    @Test
    void theSchemaHasForeignKeysToCheck() {
        long keys = pool.query("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace")
                .execute().await().atMost(Duration.ofSeconds(30)).iterator().next().getLong(0);
        assertThat(keys).as("foreign keys in the schema").isGreaterThanOrEqualTo(3);
    }
}
