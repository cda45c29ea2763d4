-- vault-service's own database. No table ever holds plaintext or an unencrypted key.

-- One row per team that has a key; latest_version is the version new encrypts use. Rotation
-- locks this row, so versions are handed out one at a time.
CREATE TABLE vault_teams (
    team           text        PRIMARY KEY,
    latest_version integer     NOT NULL CHECK (latest_version >= 0),
    created_at     timestamptz NOT NULL DEFAULT now()
);

-- Every version of every team's key-encryption key: a Tink AES256-GCM keyset, encrypted under the
-- root key with 'team + version' as associated data. Versions are never deleted (old ciphertexts
-- must keep decrypting).
CREATE TABLE vault_key_versions (
    team             text        NOT NULL REFERENCES vault_teams (team),
    version          integer     NOT NULL CHECK (version >= 1),
    encrypted_keyset bytea       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team, version)
);

-- Append-only record of every decrypt (success and failure), rewrap, rotation, key creation and
-- data key: who, what, which key version, which context, and how it ended. Never plaintext.
CREATE TABLE vault_audit (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT clock_timestamp(),
    caller          text        NOT NULL,
    action          text        NOT NULL CHECK (action IN ('DECRYPT', 'REWRAP', 'ROTATE', 'CREATE_KEY', 'DATAKEY')),
    team            text        NOT NULL,
    key_version     integer,
    new_key_version integer,
    context         text,
    result          text        NOT NULL CHECK (result IN ('OK', 'FAILED', 'DENIED')),
    error           text
);
CREATE INDEX vault_audit_team_idx ON vault_audit (team, id);
CREATE INDEX vault_audit_at_idx ON vault_audit (at, id);

CREATE FUNCTION vault_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'vault_audit is append-only';
END;
$$;
CREATE TRIGGER vault_audit_append_only
    BEFORE UPDATE OR DELETE ON vault_audit
    FOR EACH STATEMENT EXECUTE FUNCTION vault_audit_append_only();
