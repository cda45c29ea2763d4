-- Creates the archive's months from the oldest finished task that ended before $1 up to $1's month
-- (task_archive_create_partitions, V17), so that sql/archive-batch.sql finds a partition for each
-- task it moves. Nothing to archive, nothing to create. Returns the new partitions' names.
SELECT task_archive_create_partitions(oldest.completed_at, $1)
FROM (SELECT min(completed_at) AS completed_at
      FROM tasks
      WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED') AND completed_at < $1) oldest
WHERE oldest.completed_at IS NOT NULL
