-- pgbench script of bench/batch: :rows rows (pgbench -D rows=1000, the tasks of one batch call) in one
-- INSERT, one transaction (autocommit), into bench/run's table bench.pgbench_insert (created before and
-- dropped after the pgbench runs); the baseline of POST /api/v1/tasks/batch. Its rate in rows per
-- second is pgbench's TPS x :rows.
INSERT INTO bench.pgbench_insert (task_id, machine, command, priority) SELECT gen_random_uuid(), 'bench', 'true', 3 FROM generate_series(1, :rows);
