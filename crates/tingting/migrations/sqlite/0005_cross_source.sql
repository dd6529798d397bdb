-- Cross-source deduplication (sqlite). See src/domain/dedup.rs for the rules.

-- The sources (besides `source`) whose reports were merged into a
-- transaction, comma-separated: a source reports a transfer at most once.
ALTER TABLE transactions ADD COLUMN merged_sources TEXT NOT NULL DEFAULT '';

-- Candidates for a merge are looked up by amount and time, leaving out the incoming report's
-- own source (read from the index, so a statement import does not read its own rows).
CREATE INDEX transactions_account_amount ON transactions(business_id, account_id, amount, booked_at, source);

-- The dedup keys of merged reports, so that the same report arriving again is recognised
-- as the transaction it was merged into.
CREATE TABLE transaction_aliases (
    business_id    INTEGER NOT NULL,
    account_id     INTEGER NOT NULL,
    dedup_key      TEXT    NOT NULL,
    transaction_id INTEGER NOT NULL REFERENCES transactions(id),
    PRIMARY KEY (business_id, account_id, dedup_key)
);
