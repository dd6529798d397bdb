-- Request counts per credential and window, shared by every instance: rate limits hold across
-- a load balancer. `key` names the credential (`key:<digest prefix>` for an API key,
-- `feed:<id>` for an ingest token); `window_start` is the window's first instant (ms).
-- A credential's older windows are deleted when it opens a new one.
CREATE TABLE rate_limits (
    key          TEXT   NOT NULL,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
