-- Renews the lease of the current holder and appends output that continues the stored output.
-- $6: the remote command's process group, once the bridge knows it (null: keep what is stored).
UPDATE tasks
SET lease_expires_at = now() + make_interval(secs => $3),
    remote_pid       = COALESCE($6, remote_pid),
    output           = CASE WHEN char_length(output) = $4 THEN output || $5 ELSE output END
WHERE task_id = $1 AND lease_token = $2 AND status IN ('ASSIGNED', 'PROCESSING')
RETURNING cancel_requested, char_length(output) AS output_length
