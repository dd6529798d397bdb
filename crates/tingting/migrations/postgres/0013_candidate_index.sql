-- Merge candidates are looked up by amount, then the sources other than the incoming
-- report's (`source < $s OR source > $s`), then time: with `source` before `booked_at`, a
-- lookup reads only other sources' rows, not every same-amount transaction of the day (a shop
-- with few distinct prices has thousands).
DROP INDEX transactions_account_amount;
CREATE INDEX transactions_account_amount ON transactions(business_id, account_id, amount, source, booked_at);
