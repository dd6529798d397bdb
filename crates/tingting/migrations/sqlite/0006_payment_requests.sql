-- Payment requests (sqlite): an amount a shop expects on an account, recognised by its order code.
-- `status` is pending, underpaid, paid or cancelled (expired is shown, not stored: an open
-- request past `expires_at`). An Idempotency-Key, when the client sends one, makes creation
-- safe to retry; `request_digest` tells a retry from another request under the same key.
CREATE TABLE payment_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id     INTEGER NOT NULL REFERENCES businesses(id),
    account_id      INTEGER NOT NULL REFERENCES bank_accounts(id),
    code            TEXT    NOT NULL,
    amount          INTEGER NOT NULL,
    paid_amount     INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    return_url      TEXT    NOT NULL,
    metadata        TEXT    NOT NULL,
    idempotency_key TEXT,
    request_digest  TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    paid_at         INTEGER,
    cancelled_at    INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (business_id, code),
    UNIQUE (business_id, idempotency_key)
);
CREATE INDEX payment_requests_open ON payment_requests(business_id, account_id, status);
CREATE INDEX payment_requests_created ON payment_requests(business_id, created_at, id);
