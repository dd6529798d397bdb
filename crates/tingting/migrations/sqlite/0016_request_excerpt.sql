-- The dashboard's delivery log (issue 9): the start of the body each delivery last sent,
-- beside the start of the answer (`response_excerpt`). Bounded by the worker.
ALTER TABLE deliveries ADD COLUMN request_excerpt TEXT NOT NULL DEFAULT '';
