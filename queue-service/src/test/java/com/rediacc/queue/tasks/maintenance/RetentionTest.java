package com.rediacc.queue.tasks.maintenance;

import com.rediacc.queue.audit.AuditRetention;
import com.rediacc.queue.crons.CronRunRetention;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Retention of the tables that grow with time besides the tasks (docs/adr/0020), on the real
 * PostgreSQL: cron runs and audit records older than the cutoff are deleted in batches, oldest
 * first, the younger ones stay, and the audit log still refuses every other DELETE, UPDATE and
 * TRUNCATE. The test profile's own runs delete nothing (retention of 100 years): each test writes
 * rows in a year of its own, long ago, and calls the duty with a cutoff inside that year.
 */
@QuarkusTest
class RetentionTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    CronRunRetention cronRuns;
    @Inject
    AuditRetention audit;
    @Inject
    Pool pool;

    @Test
    void cronRunsOlderThanTheCutoffAreDeletedInBatches() {
        String cron = "retention-" + UUID.randomUUID();
        // 2,100 runs a minute apart from 2011-01-01 00:00; the cutoff keeps the last 100.
        Instant first = Instant.parse("2011-01-01T00:00:00Z");
        pool.preparedQuery("""
                        INSERT INTO cron_runs (cron, slot, kind, outcome)
                        SELECT $1, $2 + make_interval(mins => i), 'SCHEDULED', 'MISSED' FROM generate_series(0, 2099) i""")
                .execute(Tuple.of(cron, first.atOffset(ZoneOffset.UTC))).await().atMost(WAIT);
        Instant cutoff = first.plus(Duration.ofMinutes(2000));

        // batch-size 500, batches-per-run 4: 2,000 in one run, then none.
        assertThat(cronRuns.deleteBefore(cutoff).await().atMost(WAIT)).isEqualTo(2000);
        assertThat(cronRuns.deleteBefore(cutoff).await().atMost(WAIT)).isZero();
        assertThat(count("SELECT count(*) FROM cron_runs WHERE cron = $1", cron)).isEqualTo(100);
        assertThat(count("SELECT count(*) FROM cron_runs WHERE cron = $1 AND slot < $2", cron, cutoff)).isZero();
        pool.preparedQuery("DELETE FROM cron_runs WHERE cron = $1").execute(Tuple.of(cron)).await().atMost(WAIT);
    }

    @Test
    void auditRecordsOlderThanTheCutoffAreDeletedAndNoOtherChangeIsAllowed() {
        String actor = "retention-" + UUID.randomUUID();
        Instant first = Instant.parse("2012-01-01T00:00:00Z");
        // The log is read oldest id first: written as they would have been in 2012, the records take ids
        // below every other (negative, and each run's below the last run's).
        long firstId = -System.currentTimeMillis() * 1000;
        pool.preparedQuery("""
                        INSERT INTO audit_log (id, at, actor, action, result, status, request_id) OVERRIDING SYSTEM VALUE
                        SELECT $3 + i, $2 + make_interval(mins => i), $1, 'test.retention', 'OK', 200, 'r-' || i
                        FROM generate_series(0, 599) i""")
                .execute(Tuple.of(actor, first.atOffset(ZoneOffset.UTC), firstId)).await().atMost(WAIT);
        Instant cutoff = first.plus(Duration.ofMinutes(550));

        // A batch of 500, then 50 (not full: the run ends); the 50 younger ones stay.
        assertThat(audit.deleteBefore(cutoff).await().atMost(WAIT)).isEqualTo(550);
        assertThat(count("SELECT count(*) FROM audit_log WHERE actor = $1", actor)).isEqualTo(50);
        assertThat(count("SELECT count(*) FROM audit_log WHERE actor = $1 AND at < $2", actor, cutoff)).isZero();

        assertThatThrownBy(() -> pool.preparedQuery("DELETE FROM audit_log WHERE actor = $1").execute(Tuple.of(actor))
                .await().atMost(WAIT)).hasMessageContaining("append-only");
        assertThatThrownBy(() -> pool.preparedQuery("UPDATE audit_log SET result = 'FAILED' WHERE actor = $1")
                .execute(Tuple.of(actor)).await().atMost(WAIT)).hasMessageContaining("append-only");
        assertThatThrownBy(() -> pool.withTransaction(tx -> tx.query("SET LOCAL rediacc.audit_retention = 'on'").execute()
                .chain(() -> tx.preparedQuery("UPDATE audit_log SET result = 'FAILED' WHERE actor = $1").execute(Tuple.of(actor))))
                .await().atMost(WAIT)).hasMessageContaining("append-only");
        assertThat(count("SELECT count(*) FROM audit_log WHERE actor = $1", actor)).isEqualTo(50);
    }

    private long count(String sql, Object... params) {
        Object[] values = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            values[i] = params[i] instanceof Instant instant ? instant.atOffset(ZoneOffset.UTC) : params[i];
        }
        return pool.preparedQuery(sql).execute(Tuple.from(values)).await().atMost(WAIT).iterator().next().getLong(0);
    }
}
