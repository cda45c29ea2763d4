-- Functions: a team's named, versioned scripts with typed params and default task options
-- (docs/functions.md). Every PUT adds a version; a DELETE marks every version deleted, and a later
-- PUT goes on numbering, so a version named by a task's history always means one script.
CREATE TABLE functions (
    team        text        NOT NULL REFERENCES teams (name),
    name        text        NOT NULL,
    version     integer     NOT NULL CHECK (version >= 1),
    description text,
    script      text        NOT NULL,
    params      jsonb       NOT NULL,
    defaults    jsonb       NOT NULL,
    deleted     boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    PRIMARY KEY (team, name, version)
);

-- Task groups: one command or function over many machines, rolled out max_parallel at a time and
-- stopped once more than max_failures (or max_failure_percent of them) failed.
CREATE TABLE task_groups (
    group_id            uuid PRIMARY KEY,
    team                text        NOT NULL REFERENCES teams (name),
    status              text        NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'STOPPED', 'CANCELLED')),
    command             text        NOT NULL,
    function_name       text,
    function_version    integer,
    max_parallel        integer     NOT NULL CHECK (max_parallel >= 1),
    max_failures        integer CHECK (max_failures >= 0),
    max_failure_percent integer CHECK (max_failure_percent BETWEEN 0 AND 100),
    tasks               integer     NOT NULL,
    retried_from        uuid REFERENCES task_groups (group_id),
    detail              text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text        NOT NULL,
    finished_at         timestamptz
);
CREATE INDEX task_groups_team_idx ON task_groups (team, created_at);
CREATE INDEX task_groups_retried_from_idx ON task_groups (retried_from) WHERE retried_from IS NOT NULL;

-- A task records the function (name, version) it runs and its non-secret params (its secret ones
-- are in its vaultData). A task of a group waits, held, until the group releases it.
ALTER TABLE tasks
    ADD COLUMN function_name    text,
    ADD COLUMN function_version integer,
    ADD COLUMN params           jsonb,
    ADD COLUMN group_id         uuid,
    ADD COLUMN held             boolean NOT NULL DEFAULT false;
CREATE INDEX tasks_group_idx ON tasks (group_id, seq) WHERE group_id IS NOT NULL;

-- A cron may run a function: its name, the version it is pinned to (null: the newest at each
-- run) and its non-secret params (its secret ones are in its vaultData).
ALTER TABLE crons
    ADD COLUMN function_name    text,
    ADD COLUMN function_version integer,
    ADD COLUMN params           jsonb;

-- A task's created entry names the function and version it runs.
CREATE OR REPLACE VIEW task_transitions AS
SELECT task_id, 0::bigint AS id, NULL::text AS from_status, 'PENDING'::text AS to_status, created_at AS at,
       created_by AS actor,
       NULLIF(concat_ws('; ', 'retry of ' || retried_from,
                        'function ' || function_name || ' v' || function_version), '') AS detail
FROM tasks
WHERE created_by IS NOT NULL
UNION ALL
SELECT task_id, id, from_status, to_status, at, actor, detail
FROM task_history;
