-- The fold removes the counts it brings to 0 from now on (sql/drop-zero-task-counts.sql); these
-- are the ones it left before, most of them of machines long gone.
DELETE FROM task_counts WHERE tasks = 0;
