-- Reporting in full. Reporting learns only from events, so it keeps its own copy of every
-- event it consumed (the event log: what rebuilds, as-at reports and evidence packs are
-- made from) and folds each subject's events into one record per subject. The records
-- are kept twice over (slots a and b): a rebuild fills the idle slot while the live one
-- keeps answering, then the two swap (blue/green).
--
-- The first read models (0100, 0101) counted as events came and could not be rebuilt:
-- they go. Their consumer group is left behind too: the new one ("facts") starts from
-- each topic's first offset and so reads every event again (topics are kept for ever).
DROP TABLE IF EXISTS allocations, audits, concerns, actions, months;

CREATE TABLE event_log (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    subject text NOT NULL,          -- kind:id, e.g. audit:<uuid> (domain/facts.py)
    service_area text NOT NULL,
    event_type text NOT NULL,
    schema_version integer NOT NULL,
    stream_id text NOT NULL,        -- the source stream and version: where it came from
    stream_version integer NOT NULL,
    occurred_at timestamptz NOT NULL,  -- when its service recorded it (as-at reads by it)
    received_at timestamptz NOT NULL DEFAULT now(),
    envelope text NOT NULL
);
CREATE INDEX event_log_by_subject ON event_log (subject, seq);
CREATE INDEX event_log_by_area ON event_log (service_area, occurred_at);

-- The copy is evidence: like the event store, it is never changed or deleted.
CREATE TRIGGER event_log_append_only BEFORE UPDATE OR DELETE ON event_log
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER event_log_no_truncate BEFORE TRUNCATE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

CREATE TABLE records_a (
    subject text PRIMARY KEY,
    kind text NOT NULL,
    service_area text NOT NULL,
    month text,
    facts integer NOT NULL,   -- how many logged events it was folded from
    record jsonb NOT NULL
);
CREATE INDEX records_a_by_area ON records_a (service_area, kind, month);
CREATE TABLE records_b (LIKE records_a INCLUDING ALL);

CREATE TABLE read_model_slots (
    slot text PRIMARY KEY CHECK (slot IN ('a', 'b')),
    version integer NOT NULL,
    state text NOT NULL CHECK (state IN ('live', 'building', 'idle')),
    started_at timestamptz,
    finished_at timestamptz,
    heartbeat_at timestamptz,
    subjects_total bigint NOT NULL DEFAULT 0,
    subjects_done bigint NOT NULL DEFAULT 0,
    events_total bigint NOT NULL DEFAULT 0,
    events_done bigint NOT NULL DEFAULT 0
);
INSERT INTO read_model_slots (slot, version, state, finished_at)
VALUES ('a', 1, 'live', now()), ('b', 0, 'idle', NULL);
