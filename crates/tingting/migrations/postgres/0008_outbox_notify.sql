-- Wakes the delivery workers of every instance (they LISTEN on `tingting_outbox`) when
-- deliveries nobody holds are enqueued: those of an instance without a worker (`serve --role
-- api`), of the CLI, replays, test pings, payment events. Deliveries ingest hands to its own
-- worker are leased already and wake no one. Notifications are sent at commit; identical ones
-- of one transaction are sent once. Workers also poll (`serve --outbox-poll`), so a missed
-- notification delays a delivery, never loses it. (SQLite has no counterpart: one machine,
-- its workers poll.)
CREATE FUNCTION tingting_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM inserted WHERE lease_until IS NULL) THEN
        PERFORM pg_notify('tingting_outbox', '');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION tingting_outbox_notify();
