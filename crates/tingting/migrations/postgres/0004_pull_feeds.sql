-- Pull feeds (PostgreSQL): feeds a scheduler polls (the demo bank, command feeds). Instants are BIGINT ms, UTC.

-- `settings` is the kind's JSON configuration ('' for notification feeds). A pull feed is due
-- at `next_poll_at` (NULL for push feeds), or at once when a sync was requested after its last
-- poll started (`sync_requested_at >= polled_at`). `lease_until` marks a poll in progress, so
-- no two polls of a feed run at once, in any instance; a dead poller's lease expires.
-- `cursor` is what the feed keeps between polls; `last_log` the output of its last poll.
ALTER TABLE feeds ADD COLUMN settings TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN interval_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN next_poll_at BIGINT;
ALTER TABLE feeds ADD COLUMN lease_until BIGINT;
ALTER TABLE feeds ADD COLUMN sync_requested_at BIGINT;
ALTER TABLE feeds ADD COLUMN polled_at BIGINT;
ALTER TABLE feeds ADD COLUMN cursor TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN last_log TEXT NOT NULL DEFAULT '';
CREATE INDEX feeds_due ON feeds(next_poll_at) WHERE next_poll_at IS NOT NULL;
