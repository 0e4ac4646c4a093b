-- The append-only event store. One row per event; the envelope column holds the
-- canonical JSON text exactly as hashed and published.
CREATE TABLE events (
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction's id: the relay and as-at reads order by (tx_id,
    -- global_position) below the snapshot horizon, so a slow transaction holding a
    -- low position can never be overtaken and skipped.
    tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    event_id uuid NOT NULL UNIQUE,
    stream_id text NOT NULL,
    stream_version integer NOT NULL CHECK (stream_version >= 1),
    event_type text NOT NULL,
    schema_version integer NOT NULL,
    occurred_at timestamptz NOT NULL,
    correlation_id uuid NOT NULL,
    envelope text NOT NULL,
    previous_hash text NOT NULL,
    hash text NOT NULL,
    UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_commit_order ON events (tx_id, global_position);

-- Every insert is checked and chained here, so no writer can skip a version, write
-- a stream out of transaction order, or forge a hash.
CREATE FUNCTION events_before_insert() RETURNS trigger
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
    head record;
BEGIN
    IF NEW.tx_id <> pg_current_xact_id() THEN
        RAISE EXCEPTION 'tx_id is assigned by the store' USING ERRCODE = 'QA002';
    END IF;
    IF NEW.stream_version = 1 THEN
        NEW.previous_hash := '';
    ELSE
        SELECT e.hash, e.tx_id INTO head
          FROM events e
         WHERE e.stream_id = NEW.stream_id AND e.stream_version = NEW.stream_version - 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'stream % has no version %', NEW.stream_id, NEW.stream_version - 1
                USING ERRCODE = 'QA001';
        END IF;
        -- A transaction whose id is older than the one that wrote the previous
        -- version would sort before it in commit order: refuse, the caller retries.
        IF head.tx_id > NEW.tx_id THEN
            RAISE EXCEPTION 'stream % moved on under an older transaction', NEW.stream_id
                USING ERRCODE = 'QA001';
        END IF;
        NEW.previous_hash := head.hash;
    END IF;
    NEW.hash := encode(sha256(convert_to(NEW.previous_hash || NEW.envelope, 'UTF8')), 'hex');
    RETURN NEW;
END;
$$;

CREATE TRIGGER events_chain BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_before_insert();

CREATE FUNCTION events_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'the event store is append-only: % is refused', TG_OP
        USING ERRCODE = 'QA003';
END;
$$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- Wakes the relay; PostgreSQL delivers it at commit and folds repeats in one transaction.
CREATE FUNCTION events_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_events', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_appended AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
