-- The oldest PENDING task of each machine, and how long ago it was created: the first in FIFO order
-- (seq) of each (machine, priority) that current_task_counts says has PENDING tasks, one probe of
-- tasks_ready_idx each, whatever the backlog. (Retries keep their seq and created_at; seq and
-- created_at of concurrent creates differ by the length of their transactions at most.)
-- The probe is ordered as tasks_ready_idx is, and its priority is a range of one value, not an
-- equality: with an equality the planner drops priority from the order, and ordered by seq alone it
-- may walk tasks_seq_key and filter (it did with many PENDING tasks on one machine), reading the
-- whole table when a machine's PENDING tasks are the newest.
-- $1 team, $2 visible teams (NULL: all).
SELECT p.team, p.machine, EXTRACT(EPOCH FROM now() - min(oldest.created_at))::float8 AS age_seconds
FROM (SELECT team, machine, priority
      FROM current_task_counts
      WHERE status = 'PENDING'
        AND ($1::text IS NULL OR team = $1)
        AND ($2::text[] IS NULL OR team = ANY($2))
      GROUP BY team, machine, priority
      HAVING sum(tasks) > 0) p
CROSS JOIN LATERAL (SELECT t.created_at
                    FROM tasks t
                    WHERE t.machine = p.machine AND t.status = 'PENDING'
                      AND t.priority BETWEEN p.priority AND p.priority
                    ORDER BY t.priority, t.seq
                    LIMIT 1) oldest
GROUP BY p.team, p.machine
