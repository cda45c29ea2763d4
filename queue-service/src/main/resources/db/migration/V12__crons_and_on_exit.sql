-- Crons: commands run on a schedule (docs/crons.md). A cron's slot is a stored fact: each due slot
-- gets one cron_runs row (primary key cron, slot) in the transaction that creates its task, and the
-- cron's next slot is computed from the stored one, so replicas, restarts and crashes never fire a
-- slot twice nor lose one.
CREATE TABLE crons (
    name               text PRIMARY KEY,
    -- Stable across PATCHes; what the cron's vaultData is bound to (context cron:<id>).
    cron_id            uuid        NOT NULL UNIQUE,
    team               text        NOT NULL REFERENCES teams (name),
    machine            text        NOT NULL,
    command            text        NOT NULL,
    cron_string        text        NOT NULL,
    timezone           text        NOT NULL,
    priority           smallint    NOT NULL CHECK (priority BETWEEN 1 AND 5),
    tag                text,
    resumable          boolean     NOT NULL,
    max_retries        integer     NOT NULL,
    retry_delay        integer     NOT NULL,
    timeout_seconds    integer,
    vault_data         text,
    vault_data_shape   jsonb,
    checkin_margin     integer     NOT NULL CHECK (checkin_margin >= 0),
    max_runtime        integer CHECK (max_runtime >= 1),
    overlap            text        NOT NULL CHECK (overlap IN ('SKIP', 'ALLOW', 'REPLACE')),
    on_exit_command    text,
    enabled            boolean     NOT NULL,
    next_slot          timestamptz NOT NULL,
    -- The task of the latest run: with overlap SKIP or REPLACE at most one run is active at a time.
    last_task_id       uuid,
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text        NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- The scheduler's only question: which enabled crons are due.
CREATE INDEX crons_due_idx ON crons (next_slot) WHERE enabled;
CREATE INDEX crons_team_idx ON crons (team);

CREATE TABLE cron_runs (
    cron          text        NOT NULL,
    slot          timestamptz NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('SCHEDULED', 'CATCH_UP', 'MANUAL')),
    -- Set when no task ran for the slot; otherwise the run's state is its task's.
    outcome       text CHECK (outcome IN ('MISSED', 'SKIPPED', 'FAILED')),
    task_id       uuid,
    detail        text,
    late          boolean     NOT NULL DEFAULT false,
    -- When to check that the run has started (slot + checkin margin); cleared once checked.
    late_check_at timestamptz,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cron, slot)
);
CREATE INDEX cron_runs_late_check_idx ON cron_runs (late_check_at) WHERE late_check_at IS NOT NULL;
CREATE INDEX cron_runs_task_idx ON cron_runs (task_id) WHERE task_id IS NOT NULL;

-- onExit: a follow-up command run on the same machine once a task ended, whatever its end; it gets
-- the ended task as JSON on its standard input (stdin_data), and has no onExit of its own.
-- vault_data_context: what a task's vaultData ciphertext is bound to when it is not the task itself
-- (a cron run carries its cron's, context cron:<cron_id>); null means task:<task_id>.
ALTER TABLE tasks
    ADD COLUMN on_exit_command    text,
    ADD COLUMN on_exit_of         uuid,
    ADD COLUMN stdin_data         text,
    ADD COLUMN vault_data_context text;
