-- Dead letters as the operators see them: one row per record a consumer set aside, kept
-- by the dead-letter projection (shared/postgres/dead_letters.py) from the
-- `deadletter-*` streams. The record itself (which may hold personal data) stays in the
-- event store only.
CREATE TABLE dead_letters (
    dead_letter_id uuid PRIMARY KEY,
    consumer text NOT NULL,
    subscription text NOT NULL,
    source_topic text NOT NULL,
    source_partition integer NOT NULL,
    source_offset bigint NOT NULL,
    reason text NOT NULL,
    error text NOT NULL,
    event_id uuid,
    event_type text,
    stream_id text,
    set_aside_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'replayed', 'discarded')),
    replay_attempts integer NOT NULL DEFAULT 0,
    last_error text,
    outcome text,
    decided_by text,
    decided_at timestamptz,
    discard_reason text
);
CREATE INDEX dead_letters_by_status ON dead_letters (status, subscription);
