-- Enabled crons whose next slot has come ($1: the scheduler's time), oldest slot first, locked.
-- SKIP LOCKED: each replica's scheduler takes different crons; a cron another one holds is its.
SELECT *
FROM crons
WHERE enabled
  AND next_slot <= $1
ORDER BY next_slot
LIMIT $2
FOR UPDATE SKIP LOCKED
