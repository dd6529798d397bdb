-- People log in (issue 8). `password_hash` is an argon2id PHC string, NULL until the user sets
-- a password (`tingting user set-password`, or the one-time setup link `tingting serve` prints:
-- `setup_token_hash` is the SHA-256 hex of that link's token, valid until `setup_expires_at`).
-- Migration 0011 is left to the OAuth2 authorization server.
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN setup_token_hash TEXT;
ALTER TABLE users ADD COLUMN setup_expires_at INTEGER;
CREATE UNIQUE INDEX users_setup_token ON users(setup_token_hash);

-- Browser sessions. The cookie holds a high-entropy token; only its SHA-256 hex is stored
-- (`token_hash`), as for API keys. `csrf_token` is the token the session's forms carry.
-- A session ends at `expires_at` (its longest lifetime) or when unused for the idle time
-- after `last_seen_at`, whichever comes first; logout and a password change delete it.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id  INTEGER NOT NULL REFERENCES businesses(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    token_hash   TEXT    NOT NULL UNIQUE,
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_business ON sessions(business_id, user_id);
