-- A task's vaultData, encrypted by vault-service (context task:<taskId>), and its shape with every
-- leaf value replaced by "[encrypted]" (what the API shows).
ALTER TABLE tasks
    ADD COLUMN vault_data       text,
    ADD COLUMN vault_data_shape jsonb;

-- Team vault entries (e.g. SSH private keys). Every PUT adds a version; only ciphertext is stored.
CREATE TABLE team_secrets (
    team        text        NOT NULL,
    name        text        NOT NULL,
    version     integer     NOT NULL,
    ciphertext  text        NOT NULL,
    key_version integer     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text        NOT NULL,
    PRIMARY KEY (team, name, version)
);
