-- The stored samples of the named machines, locked until the transaction ends: the
-- replica that records a newer sample decides alone whether it crossed or cleared a threshold.
SELECT r.machine, r.sampled_at, r.over
FROM machine_resources r
WHERE r.machine = ANY($1)
ORDER BY r.machine
FOR UPDATE
