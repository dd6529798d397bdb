-- Foundation schema (SQLite). Instants are INTEGER milliseconds since the Unix epoch, UTC.
-- Money is INTEGER VND. Every business-owned row carries business_id. Ids that leave the
-- server (keys, transactions) are AUTOINCREMENT: never reused, even after a delete.

CREATE TABLE businesses (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    email       TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);
CREATE INDEX users_business ON users(business_id);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id  INTEGER NOT NULL REFERENCES businesses(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    label        TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE INDEX api_keys_business ON api_keys(business_id, user_id);

CREATE TABLE bank_accounts (
    id             INTEGER PRIMARY KEY,
    business_id    INTEGER NOT NULL REFERENCES businesses(id),
    bank_bin       INTEGER NOT NULL,
    account_number TEXT    NOT NULL,
    account_name   TEXT,
    balance        INTEGER,
    balance_at     INTEGER,
    created_at     INTEGER NOT NULL,
    UNIQUE (business_id, account_number)
);

CREATE TABLE transactions (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id           INTEGER NOT NULL REFERENCES businesses(id),
    account_id            INTEGER NOT NULL REFERENCES bank_accounts(id),
    amount                INTEGER NOT NULL,
    booked_at             INTEGER NOT NULL,
    description           TEXT    NOT NULL,
    reference             TEXT    NOT NULL,
    running_balance       INTEGER,
    counterparty_name     TEXT    NOT NULL,
    counterparty_account  TEXT    NOT NULL,
    counterparty_bank_id  TEXT    NOT NULL,
    counterparty_bank     TEXT    NOT NULL,
    virtual_account       TEXT    NOT NULL,
    virtual_account_name  TEXT    NOT NULL,
    payment_channel       TEXT    NOT NULL,
    source                TEXT    NOT NULL,
    raw                   TEXT    NOT NULL,
    dedup_key             TEXT    NOT NULL,
    created_at            INTEGER NOT NULL,
    UNIQUE (business_id, account_id, dedup_key)
);
CREATE INDEX transactions_business_time ON transactions(business_id, booked_at, id);
CREATE INDEX transactions_account_time ON transactions(business_id, account_id, booked_at, id);

-- Per account and Vietnam-local day: counts and sums, maintained in the ingest transaction,
-- so that paginated totals and account summaries never scan transactions.
CREATE TABLE daily_totals (
    business_id   INTEGER NOT NULL,
    account_id    INTEGER NOT NULL,
    day           INTEGER NOT NULL,
    txn_count     INTEGER NOT NULL,
    credit_count  INTEGER NOT NULL,
    credit_amount INTEGER NOT NULL,
    debit_count   INTEGER NOT NULL,
    debit_amount  INTEGER NOT NULL,
    PRIMARY KEY (business_id, account_id, day)
);
