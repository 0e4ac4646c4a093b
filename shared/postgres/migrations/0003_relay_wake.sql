-- NOTIFY makes every notifying commit take a database-wide lock, serialising commits
-- (and their WAL flushes) under load. Writers therefore notify only while a relay has
-- said it is waiting; a busy relay, which will read the next batch anyway, says so too.
CREATE TABLE relay_wake (
    relay text PRIMARY KEY,
    waiting boolean NOT NULL
);

CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM relay_wake WHERE waiting) THEN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '_events', '');
    END IF;
    RETURN NULL;
END;
$$;
