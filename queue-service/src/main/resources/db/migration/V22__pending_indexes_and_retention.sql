-- Two small partial indexes over the PENDING tasks (the queue, not the history), so that the
-- all-teams views answer in a few milliseconds however many tasks there are (docs/adr/0020):
-- each machine's oldest PENDING task is one index-only probe (sql/oldest-pending.sql), and the
-- PENDING tasks waiting longest past their notBefore are the first entries of the other
-- (sql/console-stuck.sql), where both read thousands of task rows at 1,000,000 tasks.
-- Each is one more index entry per task created (or given back PENDING), removed when it leaves
-- PENDING. Built with the tasks table locked for writes: a scan of tasks (docs/operations.md).
CREATE INDEX tasks_pending_age_idx ON tasks (machine, created_at) WHERE status = 'PENDING';
-- team second: a team's view filters on it inside the index, reading no other team's rows.
CREATE INDEX tasks_stale_pending_idx ON tasks ((coalesce(not_before, created_at)), team)
    WHERE status = 'PENDING' AND NOT held;

-- Retention of the tables that grow with time (docs/adr/0020), besides the tasks' archive:
-- cron runs are deleted once their slot is rediacc.retention.delete-after old (their tasks are gone
-- from the archive by then), oldest first, through this index (one entry per run: crons fire rarely).
CREATE INDEX cron_runs_slot_idx ON cron_runs (slot);

-- Audit records are deleted once rediacc.retention.audit-delete-after old, and only so: a DELETE is
-- allowed in a transaction that says it is the retention's (the setting rediacc.audit_retention,
-- set locally by AuditRetention). Updates and TRUNCATE are still refused. This guards against a
-- mistake, not an attacker: whoever can set the setting could drop the trigger too.
CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('rediacc.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END;
$$;
