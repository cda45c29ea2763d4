-- Machines that tasks run on. `credential` names the secret with the SSH private key.
CREATE TABLE machines (
    name            text PRIMARY KEY,
    team            text        NOT NULL,
    host            text        NOT NULL,
    port            integer     NOT NULL CHECK (port BETWEEN 1 AND 65535),
    ssh_user        text        NOT NULL,
    host_key        text        NOT NULL,
    credential      text        NOT NULL,
    tags            text[]      NOT NULL DEFAULT '{}',
    max_concurrency integer     NOT NULL DEFAULT 1 CHECK (max_concurrency >= 1),
    paused          boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tasks (
    task_id          uuid PRIMARY KEY,
    -- Creation order: FIFO within a priority. Timestamps can tie; a sequence cannot.
    seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    team             text        NOT NULL,
    machine          text        NOT NULL REFERENCES machines (name),
    command          text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('PENDING', 'ASSIGNED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    priority         smallint    NOT NULL CHECK (priority BETWEEN 1 AND 5),
    max_retries      integer     NOT NULL DEFAULT 0,
    retry_count      integer     NOT NULL DEFAULT 0,
    retry_delay      integer     NOT NULL DEFAULT 30,
    failure_action   text        NOT NULL DEFAULT 'NONE',
    tag              text,
    resumable        boolean     NOT NULL DEFAULT false,
    timeout_seconds  integer,
    not_before       timestamptz,
    output           text        NOT NULL DEFAULT '',
    output_truncated boolean     NOT NULL DEFAULT false,
    exit_code        integer,
    error            text,
    attempts         integer     NOT NULL DEFAULT 0,
    lease_owner      text,
    lease_token      bigint,
    lease_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    assigned_at      timestamptz,
    started_at       timestamptz,
    completed_at     timestamptz
);

-- The claim walks this index: one machine's ready work in priority, then creation order.
CREATE INDEX tasks_ready_idx ON tasks (machine, priority, seq) WHERE status = 'PENDING';
CREATE INDEX tasks_active_idx ON tasks (machine) WHERE status IN ('ASSIGNED', 'PROCESSING');
CREATE INDEX tasks_status_seq_idx ON tasks (status, seq);

CREATE SEQUENCE lease_tokens;

CREATE TABLE task_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     uuid        NOT NULL REFERENCES tasks (task_id),
    from_status text,
    to_status   text        NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text,
    detail      text
);
CREATE INDEX task_history_task_idx ON task_history (task_id, id);

-- Transactional outbox: written in the same transaction as the change it announces,
-- relayed to Kafka afterwards, deleted once the broker acknowledged it.
CREATE TABLE outbox (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic       text        NOT NULL,
    message_key text        NOT NULL,
    payload     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
