-- A running attempt whose lease expired is "lost": the task stays PROCESSING (its slot on the machine
-- stays taken) until a bridge has ended the remote command, or the wait for that ran out.
-- See docs/adr/0004-end-lost-attempts-before-settling.md.
ALTER TABLE tasks
    -- Issued at each claim; the remote command carries it in its environment as REDIACC_ATTEMPT.
    ADD COLUMN attempt_token text,
    -- The remote command's process group, as reported by the bridge running it.
    ADD COLUMN remote_pid    bigint,
    -- When the lease of the running attempt expired; null unless the attempt is lost.
    ADD COLUMN lost_since    timestamptz;

CREATE INDEX tasks_lost_idx ON tasks (machine, lost_since) WHERE lost_since IS NOT NULL;
