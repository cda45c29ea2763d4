-- Deletes up to $2 cron runs whose slot is before $1, oldest first (cron_runs_slot_idx, V22: nothing
-- is read when none is that old). SKIP LOCKED: a run being recorded or checked is taken by a later
-- batch, and replicas running this at once delete different runs.
DELETE FROM cron_runs r
USING (SELECT cron, slot FROM cron_runs WHERE slot < $1 ORDER BY slot LIMIT $2 FOR UPDATE SKIP LOCKED) old
WHERE r.cron = old.cron AND r.slot = old.slot
