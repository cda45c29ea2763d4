ALTER TABLE tasks
    ADD COLUMN retry_backoff    text    NOT NULL DEFAULT 'FIXED' CHECK (retry_backoff IN ('FIXED', 'EXPONENTIAL')),
    ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false,
    ADD COLUMN retried_from     uuid REFERENCES tasks (task_id),
    ADD COLUMN idempotency_key  text;

ALTER TABLE tasks ADD CONSTRAINT tasks_failure_action_check CHECK (failure_action IN ('NONE', 'ALERT'));

-- Expired leases are found by this index (the reaper runs every few seconds).
CREATE INDEX tasks_lease_idx ON tasks (lease_expires_at) WHERE status IN ('ASSIGNED', 'PROCESSING');

-- An idempotency key belongs to a team for 24 hours; after that the key may name a new task.
CREATE TABLE idempotency_keys (
    team       text        NOT NULL,
    key        text        NOT NULL,
    -- Deferred: the key is bound before the task row it names is inserted, in the same transaction.
    task_id    uuid        NOT NULL REFERENCES tasks (task_id) DEFERRABLE INITIALLY DEFERRED,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, key)
);
