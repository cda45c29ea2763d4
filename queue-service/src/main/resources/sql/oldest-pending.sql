-- The oldest PENDING task of each machine, and how long ago it was created: one index-only probe
-- of tasks_pending_age_idx (V22) per machine of the teams asked for, whatever the backlog (the
-- probe of a machine without PENDING work finds nothing, and the machine is left out). A machine's
-- team never changes and a machine with unfinished tasks cannot be deleted, so its tasks are of
-- its team and every PENDING task has its machine here.
-- $1 team, $2 visible teams (NULL: all).
SELECT m.team, m.name AS machine, EXTRACT(EPOCH FROM now() - oldest.created_at)::float8 AS age_seconds
FROM machines m
CROSS JOIN LATERAL (SELECT t.created_at
                    FROM tasks t
                    WHERE t.machine = m.name AND t.status = 'PENDING'
                    ORDER BY t.created_at
                    LIMIT 1) oldest
WHERE ($1::text IS NULL OR m.team = $1)
  AND ($2::text[] IS NULL OR m.team = ANY($2))
