-- Webhooks and the delivery outbox (SQLite). Instants are INTEGER ms since the epoch, UTC.
-- Ids are AUTOINCREMENT: a deleted webhook's or delivery's id is never given to another.

CREATE TABLE webhooks (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id      INTEGER NOT NULL REFERENCES businesses(id),
    url              TEXT    NOT NULL,
    secure_token     TEXT    NOT NULL,
    income_only      INTEGER NOT NULL,
    format           TEXT    NOT NULL,
    secret           TEXT    NOT NULL,
    all_accounts     INTEGER NOT NULL,
    enabled          INTEGER NOT NULL,
    disabled_reason  TEXT    NOT NULL,
    failing_since    INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX webhooks_business ON webhooks(business_id, id);

-- The accounts a webhook is restricted to (when all_accounts = 0).
CREATE TABLE webhook_accounts (
    business_id INTEGER NOT NULL,
    webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES bank_accounts(id),
    PRIMARY KEY (business_id, webhook_id, account_id)
);

-- One row per (webhook, transaction) to deliver, written in the ingest transaction.
CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id      INTEGER NOT NULL,
    webhook_id       INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    transaction_id   INTEGER REFERENCES transactions(id),
    status           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    lease_until      INTEGER,
    last_http_status INTEGER,
    last_error       TEXT    NOT NULL,
    last_latency_ms  INTEGER,
    response_excerpt TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    delivered_at     INTEGER
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX deliveries_webhook ON deliveries(business_id, webhook_id, id);
