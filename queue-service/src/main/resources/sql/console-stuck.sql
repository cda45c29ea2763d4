-- Work that looks stuck or stale, for the console's overview: tasks for which task_stuck_reason (V15,
-- the rule the task list shows too) gives a reason, at most 50, in creation order (seq). Read from
-- the few candidates only, never from every unfinished task (docs/adr/0020): the running tasks
-- (a partial index of ASSIGNED and PROCESSING: as many as the machines run at once) and the 50
-- PENDING tasks waiting longest past their notBefore, the first entries of tasks_stale_pending_idx
-- (V22). The second part's WHERE is the rule's PENDING case written as that index's range (a
-- function's result cannot be looked up in an index); the rule itself still decides.
-- $1 team, $2 visible teams (NULL: all), $3 stale-pending seconds.
SELECT task_id, team, machine, left(command, 200) AS command, function_name, status, priority, created_at,
       started_at, stuck
FROM (SELECT t.*, task_stuck_reason(t, $3) AS stuck
      FROM tasks t
      WHERE t.status IN ('ASSIGNED', 'PROCESSING')
        AND ($1::text IS NULL OR t.team = $1)
        AND ($2::text[] IS NULL OR t.team = ANY($2))
      UNION ALL
      (SELECT t.*, task_stuck_reason(t, $3)
       FROM tasks t
       WHERE t.status = 'PENDING' AND NOT t.held
         AND coalesce(t.not_before, t.created_at) < now() - make_interval(secs => $3)
         AND ($1::text IS NULL OR t.team = $1)
         AND ($2::text[] IS NULL OR t.team = ANY($2))
       ORDER BY coalesce(t.not_before, t.created_at)
       LIMIT 50)) candidates
WHERE stuck IS NOT NULL
ORDER BY seq
LIMIT 50
