-- Two holes in the insert guard (issue #8, "Nothing lost, nothing forged"):
--
-- 1. global_position was GENERATED ALWAYS AS IDENTITY, yet `INSERT ... OVERRIDING SYSTEM
--    VALUE` let any writer choose it: slot a forged event in among published ones, or take
--    a number the sequence will hand out later and so block every append after it. A BEFORE
--    trigger cannot tell an overriding value from a generated one, so the position now
--    comes from the trigger alone: the column has no default, a writer must leave it
--    empty, and one that names a position is refused.
-- 2. The indexed columns are what readers select and order by, the envelope text is what is
--    hashed, published and decoded: the two must say the same, or a reader of one is
--    deceived by the other. The trigger now compares every column the envelope also holds.
DO $$
DECLARE
    handed_out bigint := pg_sequence_last_value(
        pg_get_serial_sequence('events', 'global_position')::regclass);
BEGIN
    ALTER TABLE events ALTER COLUMN global_position DROP IDENTITY;
    CREATE SEQUENCE events_position AS bigint OWNED BY events.global_position;
    -- Carry on from the last number handed out, so no position is ever given twice.
    IF handed_out IS NOT NULL THEN
        PERFORM setval('events_position', handed_out, true);
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION events_before_insert() RETURNS trigger
LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
    head record;
    stated jsonb;
BEGIN
    IF NEW.tx_id <> pg_current_xact_id() THEN
        RAISE EXCEPTION 'tx_id is assigned by the store' USING ERRCODE = 'QA002';
    END IF;
    IF NEW.global_position IS NOT NULL THEN
        RAISE EXCEPTION 'global_position is assigned by the store, not chosen by the writer'
            USING ERRCODE = 'QA004';
    END IF;
    NEW.global_position := nextval('events_position');
    stated := NEW.envelope::jsonb;
    IF (stated ->> 'event_id')::uuid IS DISTINCT FROM NEW.event_id
       OR stated ->> 'stream_id' IS DISTINCT FROM NEW.stream_id
       OR (stated ->> 'stream_version')::integer IS DISTINCT FROM NEW.stream_version
       OR stated ->> 'event_type' IS DISTINCT FROM NEW.event_type
       OR (stated ->> 'schema_version')::integer IS DISTINCT FROM NEW.schema_version
       OR (stated ->> 'occurred_at')::timestamptz IS DISTINCT FROM NEW.occurred_at
       OR (stated ->> 'correlation_id')::uuid IS DISTINCT FROM NEW.correlation_id THEN
        RAISE EXCEPTION 'event %: the envelope text disagrees with its indexed columns',
            NEW.event_id USING ERRCODE = 'QA005';
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
