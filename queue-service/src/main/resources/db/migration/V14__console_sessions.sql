-- Web console sessions (docs/console.md). The browser holds the session id in an HttpOnly cookie;
-- the table holds only SHA-256 hashes: of the session id, and of the CSRF token derived from it.
-- A user's session also keeps a fingerprint of the token they signed in with (SHA-256 of its
-- stored hash): replacing the token ends the session. The token itself is never stored.
CREATE TABLE console_sessions (
    id_hash           bytea PRIMARY KEY,
    csrf_hash         bytea       NOT NULL,
    caller_kind       text        NOT NULL CHECK (caller_kind IN ('USER', 'BOOTSTRAP_ADMIN')),
    user_name         text REFERENCES users (name) ON DELETE CASCADE,
    token_fingerprint bytea,
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_seen_at      timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    CHECK ((caller_kind = 'USER') = (user_name IS NOT NULL AND token_fingerprint IS NOT NULL))
);
CREATE INDEX console_sessions_user_idx ON console_sessions (user_name) WHERE user_name IS NOT NULL;
CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_at);
