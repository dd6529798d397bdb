-- Payment matching (sqlite): transfers linked to the payment requests they pay, the events a
-- request's changes raise, and the webhooks that subscribe to them.

-- `public_id` names a request on its public checkout page (unguessable, unlike `id`);
-- `tolerance` is how far below its amount a payment still counts as paid (VND);
-- `late_amount` is what arrived after it expired or was cancelled;
-- `expiry_notified` is set once its `payment_request.expired` event is raised;
-- `code_head` is the first 7 characters of its code, what a transfer's description must
-- contain for it to be looked at (see storage/settle.rs).
ALTER TABLE payment_requests ADD COLUMN public_id TEXT;
ALTER TABLE payment_requests ADD COLUMN tolerance INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment_requests ADD COLUMN late_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment_requests ADD COLUMN expiry_notified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE payment_requests ADD COLUMN code_head TEXT NOT NULL DEFAULT '';
UPDATE payment_requests SET code_head = substr(code, 1, 7);
UPDATE payment_requests SET public_id = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX payment_requests_public ON payment_requests(public_id);
-- The requests a credit of an account may pay, by the beginning of their code.
CREATE INDEX payment_requests_matching ON payment_requests(business_id, account_id, code_head);
-- Open requests whose expiry is still to be announced.
CREATE INDEX payment_requests_expiring ON payment_requests(expires_at)
    WHERE expiry_notified = 0 AND status IN ('pending', 'underpaid');

-- A transfer pays at most one request: the primary key is the transaction.
CREATE TABLE payment_links (
    business_id        INTEGER NOT NULL,
    transaction_id     INTEGER NOT NULL REFERENCES transactions(id),
    payment_request_id INTEGER NOT NULL REFERENCES payment_requests(id),
    amount             INTEGER NOT NULL,
    late               INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    PRIMARY KEY (business_id, transaction_id)
);
CREATE INDEX payment_links_request ON payment_links(business_id, payment_request_id);

-- What happened to a request (`payment_request.paid`, ...), with the data its webhooks carry.
CREATE TABLE payment_events (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id        INTEGER NOT NULL,
    payment_request_id INTEGER NOT NULL REFERENCES payment_requests(id),
    account_id         INTEGER NOT NULL,
    type               TEXT    NOT NULL,
    data               TEXT    NOT NULL,
    created_at         INTEGER NOT NULL
);
CREATE INDEX payment_events_request ON payment_events(business_id, payment_request_id, id);

-- A delivery carries a transaction, a payment event, or neither (a test ping).
ALTER TABLE deliveries ADD COLUMN event_id INTEGER REFERENCES payment_events(id);
-- What a webhook subscribes to.
ALTER TABLE webhooks ADD COLUMN transaction_events INTEGER NOT NULL DEFAULT 1;
ALTER TABLE webhooks ADD COLUMN payment_events INTEGER NOT NULL DEFAULT 0;
