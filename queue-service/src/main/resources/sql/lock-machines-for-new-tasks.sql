-- The machines named by a batch of new tasks, locked until the batch commits. KEY SHARE: a machine
-- cannot be deleted under its new tasks, yet claims (NO KEY UPDATE) do not wait for the batch.
-- Paused machines are share-locked as well, so a concurrent resume either committed first (the
-- machine reads as not paused and the batch wakes its bridge) or waits for the batch (and the
-- resume's own wake-up finds the new tasks).
WITH paused AS (
    SELECT name FROM machines WHERE name = ANY($1) AND paused FOR SHARE
)
SELECT name, team, name IN (SELECT name FROM paused) AS paused
FROM machines
WHERE name = ANY($1)
FOR KEY SHARE
