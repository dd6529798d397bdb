-- Fencing of pull-feed polls: every claim increments `lease_token` and the poller records its
-- outcome (cursor, health, lease extensions) only under the token it claimed with. An instance
-- that stalled past its lease, while another instance claimed the feed, can no longer move the
-- cursor back or overwrite the newer poll's record.
ALTER TABLE feeds ADD COLUMN lease_token BIGINT NOT NULL DEFAULT 0;
