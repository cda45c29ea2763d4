-- pgbench script of bench/run: one single-row INSERT per transaction (autocommit), the baseline of
-- the enqueue figure. bench.pgbench_insert is created before and dropped after the pgbench runs.
INSERT INTO bench.pgbench_insert (task_id, machine, command, priority) VALUES (gen_random_uuid(), 'bench', 'true', 3);
