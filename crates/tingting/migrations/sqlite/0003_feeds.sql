-- Bank feeds and the texts they could not read (SQLite). Instants are INTEGER ms, UTC.

-- A feed brings an account's transactions in. `kind` is 'notify' (forwarded bank
-- notifications posted to an ingest URL whose secret token is stored as `token_hash`, SHA-256
-- hex), and later pull feeds. `secret` is the optional HMAC key a forwarder signs with.
CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id          INTEGER NOT NULL REFERENCES businesses(id),
    account_id           INTEGER NOT NULL REFERENCES bank_accounts(id),
    kind                 TEXT    NOT NULL,
    token_hash           TEXT    UNIQUE,
    token_prefix         TEXT    NOT NULL,
    secret               TEXT    NOT NULL,
    enabled              INTEGER NOT NULL,
    last_success_at      INTEGER,
    last_error           TEXT    NOT NULL,
    last_error_at        INTEGER,
    consecutive_failures INTEGER NOT NULL,
    created_at           INTEGER NOT NULL
);
CREATE INDEX feeds_business ON feeds(business_id, account_id, id);

-- Texts a feed received but could not read with confidence: kept for the owner, never guessed.
CREATE TABLE unparsed_texts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id  INTEGER NOT NULL REFERENCES businesses(id),
    account_id   INTEGER NOT NULL REFERENCES bank_accounts(id),
    feed_id      INTEGER NOT NULL REFERENCES feeds(id),
    sender       TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    received_at  INTEGER NOT NULL
);
CREATE INDEX unparsed_texts_business ON unparsed_texts(business_id, id);
