-- Removes the counts of $1..$4 (team, machine, priority, status) that the fold just brought to 0:
-- a machine whose tasks all ended or were archived, a status nothing is in any more. Kept, they
-- piled up with every machine ever used (13,211 of 16,413 rows on the dev stack after a few days
-- of benchmarks), and every reader of the counts (the metrics each refresh, /queue/stats, the
-- console) added them up. The rows are locked in the fold's key order, so this and another
-- replica's fold wait for each other instead of deadlocking; a row another fold made non-zero
-- meanwhile is left (the condition is checked again on the locked row), and one removed here is
-- inserted again by the next fold that needs it. Readers see the same sums either way.
WITH zero AS (
    SELECT c.team, c.machine, c.priority, c.status
    FROM task_counts c
    JOIN unnest($1::text[], $2::text[], $3::smallint[], $4::text[]) AS z(team, machine, priority, status)
      ON c.team = z.team AND c.machine = z.machine AND c.priority = z.priority AND c.status = z.status
    WHERE c.tasks = 0
    ORDER BY c.team, c.machine, c.priority, c.status
    FOR UPDATE OF c
)
DELETE FROM task_counts c
USING zero
WHERE c.team = zero.team AND c.machine = zero.machine AND c.priority = zero.priority AND c.status = zero.status
