-- Machines with an attempt lost for more than $1 seconds: the wake-up that asks a bridge to end it
-- may have gone to the lost bridge, or its cleanup failed; it is sent again. Paused machines too:
-- ending a lost command is not running new work.
SELECT DISTINCT machine AS name
FROM tasks
WHERE status = 'PROCESSING'
  AND lost_since <= now() - make_interval(secs => $1)
