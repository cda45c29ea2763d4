-- pgbench script of bench/batch, the goal's baseline: :rows rows (pgbench -D rows=1000, the tasks of
-- one batch call) in one INSERT, one transaction (autocommit), into bench.pgbench_tasks, a table of the
-- tasks table's shape (LIKE tasks INCLUDING ALL: its columns, defaults, checks and every index), with
-- the values a batch item of bench/batch gets (`true`, priority 3, PENDING, created by the admin).
-- Its rate in rows per second is pgbench's TPS x :rows.
INSERT INTO bench.pgbench_tasks (task_id, team, machine, command, status, priority, max_retries, retry_count, retry_delay, retry_backoff, failure_action, resumable, created_by) SELECT gen_random_uuid(), 'default', 'bench', 'true', 'PENDING', 3, 0, 0, 30, 'FIXED', 'NONE', false, 'admin' FROM generate_series(1, :rows);
