-- Teams own machines, tasks and vault entries; users reach them through memberships.
CREATE TABLE teams (
    name       text PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A user's API token is shown once; only its SHA-256 is kept (tokens are 256 random bits, so a
-- slow password hash would add nothing but latency to every request).
CREATE TABLE users (
    name         text PRIMARY KEY,
    token_hash   bytea       NOT NULL UNIQUE,
    global_admin boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE team_members (
    team      text        NOT NULL REFERENCES teams (name),
    user_name text        NOT NULL REFERENCES users (name),
    role      text        NOT NULL CHECK (role IN ('VIEWER', 'OPERATOR', 'ADMIN')),
    added_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, user_name)
);
CREATE INDEX team_members_user_idx ON team_members (user_name);

-- Teams that existed only as a machine's or a vault entry's team before this version.
INSERT INTO teams (name) SELECT team FROM machines UNION SELECT team FROM team_secrets ON CONFLICT DO NOTHING;
ALTER TABLE machines ADD CONSTRAINT machines_team_fkey FOREIGN KEY (team) REFERENCES teams (name);
ALTER TABLE team_secrets ADD CONSTRAINT team_secrets_team_fkey FOREIGN KEY (team) REFERENCES teams (name);

-- A machine can be deleted once its tasks have ended; the tasks keep its name for their history.
-- Task creation takes a KEY SHARE lock on the machine row instead, as the foreign key did.
ALTER TABLE tasks DROP CONSTRAINT tasks_machine_fkey;

-- Every mutating API call: who, in which team, did what to what, with which result.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text        NOT NULL,
    team       text,
    action     text        NOT NULL,
    target     text,
    result     text        NOT NULL CHECK (result IN ('OK', 'DENIED', 'REJECTED', 'FAILED')),
    status     smallint    NOT NULL,
    request_id text        NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_team_at_idx ON audit_log (team, at, id);

-- Append-only: the service never changes or removes an audit record, and neither may anyone else
-- through this schema (an operator who must prune old records drops the trigger knowingly).
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
