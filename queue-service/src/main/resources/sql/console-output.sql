-- A followed task's output from a character offset on, at most its last $3 characters (the console
-- shows only the tail of long output). $2: what the tab already has; shorter output than that is a
-- retry that started over (reset). $1 task id: hot or else archived (LIMIT 1: the archive is read only
-- when the task is not hot).
WITH t AS (
    (SELECT team, status, exit_code, error, output_truncated, output, length(output)::bigint AS total
     FROM tasks WHERE task_id = $1
     UNION ALL
     SELECT team, status, exit_code, error, output_truncated, output, length(output)::bigint AS total
     FROM tasks_archive WHERE task_id = $1)
    LIMIT 1),
     f AS (
         SELECT t.*, total < $2::bigint AS reset,
                greatest(total - $3::bigint, CASE WHEN total < $2::bigint THEN 0 ELSE $2::bigint END) AS chunk_from
         FROM t)
SELECT team, status, exit_code, error, output_truncated, total, reset, chunk_from, substr(output, (chunk_from + 1)::int) AS chunk
FROM f
