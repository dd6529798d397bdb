-- OAuth2 for partner apps and Casso's v1 tokens. Secrets are stored as SHA-256 digests only.
-- Clients are the installation's (a partner app serves many businesses), unless business_id
-- names the business whose own servers use it (client_credentials). Codes and tokens are
-- business-owned. A family ties a code and every token descending from it: reusing a code or a
-- rotated refresh token revokes the family.

-- Space-separated scopes an API key is limited to; NULL: every scope.
ALTER TABLE api_keys ADD COLUMN scopes TEXT;

CREATE TABLE oauth_clients (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id     TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    secret_hash   TEXT,
    redirect_uris TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,
    business_id   INTEGER REFERENCES businesses(id),
    created_at    INTEGER NOT NULL,
    deleted_at    INTEGER
);

CREATE TABLE oauth_codes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id    INTEGER NOT NULL REFERENCES businesses(id),
    user_id        INTEGER NOT NULL REFERENCES users(id),
    client_id      INTEGER NOT NULL REFERENCES oauth_clients(id),
    code_hash      TEXT    NOT NULL UNIQUE,
    redirect_uri   TEXT    NOT NULL,
    scopes         TEXT    NOT NULL,
    code_challenge TEXT,
    family         TEXT    NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX oauth_codes_business ON oauth_codes(business_id);

CREATE TABLE oauth_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    client_id   INTEGER REFERENCES oauth_clients(id),
    api_key_id  INTEGER REFERENCES api_keys(id),
    family      TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('access', 'refresh')),
    token_hash  TEXT    NOT NULL UNIQUE,
    scopes      TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    revoked_at  INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX oauth_tokens_family ON oauth_tokens(family);
CREATE INDEX oauth_tokens_business ON oauth_tokens(business_id, client_id);
