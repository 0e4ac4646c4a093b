CREATE TABLE moderation_queue (
    audit_id uuid PRIMARY KEY,
    service_area text NOT NULL,
    month text NOT NULL,
    auditor_id text NOT NULL,
    submitted_grade text NOT NULL,
    queued_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'awaiting' CHECK (status IN ('awaiting', 'moderated')),
    moderator_id text,
    outcome text CHECK (outcome IN ('agreed', 'grade-changed')),
    moderated_grade text,
    moderated_at timestamptz
);

CREATE INDEX moderation_queue_by_area ON moderation_queue (service_area, status, queued_at);
