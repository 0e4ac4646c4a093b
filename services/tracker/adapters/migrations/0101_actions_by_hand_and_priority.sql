-- Actions raised by hand have no audit; every action has a priority (ActionTrackingStarted v2).
ALTER TABLE actions ALTER COLUMN audit_id DROP NOT NULL;
ALTER TABLE actions ADD COLUMN priority text NOT NULL DEFAULT 'medium'
    CHECK (priority IN ('high', 'medium', 'low'));
ALTER TABLE actions ADD COLUMN source text NOT NULL DEFAULT 'audit'
    CHECK (source IN ('audit', 'by-hand'));
