-- The lease of a running attempt expired: the task stays PROCESSING, so that its slot on the machine
-- stays taken, until a bridge has ended the remote command. Clearing the lease fences the lost
-- bridge out (its reports are refused) and takes the task off the expired-lease scan.
-- The caller holds the row lock.
UPDATE tasks
SET lost_since       = now(),
    lease_owner      = NULL,
    lease_token      = NULL,
    lease_expires_at = NULL
WHERE task_id = $1
RETURNING *
