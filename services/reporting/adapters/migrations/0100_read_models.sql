-- Read models fed from every other service's topic. Events from different topics
-- arrive in any order, so each row is keyed by its natural id and whichever event
-- comes first creates it; later events fill in their own columns.

-- One row per allocation. AuditSubmitted carries its allocation_id, so it creates the
-- row too when CaseAllocated has not arrived yet: a completed audit is never missing
-- from the allocated count.
CREATE TABLE allocations (
    allocation_id uuid PRIMARY KEY,
    service_area text NOT NULL,
    month text NOT NULL,
    -- Whether CaseAllocated itself has arrived (the row may stand in for it until then).
    allocation_seen boolean NOT NULL DEFAULT false
);
CREATE INDEX allocations_by_month ON allocations (service_area, month);

CREATE TABLE audits (
    audit_id uuid PRIMARY KEY,
    service_area text NOT NULL,
    month text NOT NULL,
    allocation_id uuid,
    submitted boolean NOT NULL DEFAULT false,
    submitted_grade text,
    late boolean,
    moderated boolean NOT NULL DEFAULT false,
    moderated_grade text,
    grade_changed boolean NOT NULL DEFAULT false,
    CHECK (submitted = (submitted_grade IS NOT NULL)),
    CHECK (moderated = (moderated_grade IS NOT NULL))
);
CREATE INDEX audits_by_month ON audits (service_area, month);

CREATE TABLE concerns (
    concern_id uuid PRIMARY KEY,
    service_area text NOT NULL,
    month text NOT NULL,
    audit_id uuid NOT NULL,
    category smallint NOT NULL CHECK (category IN (1, 2))
);
CREATE INDEX concerns_by_month ON concerns (service_area, month);

CREATE TABLE actions (
    action_id uuid PRIMARY KEY,
    service_area text NOT NULL,
    month text NOT NULL,
    audit_id uuid NOT NULL,
    raised boolean NOT NULL DEFAULT false,
    due_date date,
    overdue boolean NOT NULL DEFAULT false,
    overdue_detected_on date
);
CREATE INDEX actions_by_month ON actions (service_area, month);
