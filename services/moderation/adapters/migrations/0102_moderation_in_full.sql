-- Moderation in full (issue #12): sampling with its evidence, assignment, per-element
-- grades, returns for rework, calibration, sampling policies, the pool and concerns.
ALTER TABLE moderation_queue DROP CONSTRAINT moderation_queue_status_check;
ALTER TABLE moderation_queue
    ADD COLUMN allocation_id uuid,
    ADD COLUMN submission integer NOT NULL DEFAULT 1,
    ADD COLUMN case_team text,
    ADD COLUMN child_ref text,
    ADD COLUMN legal_status text,
    ADD COLUMN audit_tool text,
    ADD COLUMN tool_version integer,
    ADD COLUMN sample_reasons text[] NOT NULL DEFAULT '{}',
    ADD COLUMN seed bigint,
    ADD COLUMN random_share double precision,
    ADD COLUMN policy_version integer,
    ADD COLUMN assigned_to text,
    ADD COLUMN assigned_external boolean NOT NULL DEFAULT false,
    ADD COLUMN waiting_reasons text[] NOT NULL DEFAULT '{}',
    ADD COLUMN returned_reasons text,
    ADD COLUMN returned_count integer NOT NULL DEFAULT 0,
    ADD COLUMN rationale text;
-- Rows queued before sampling were all in the sample ("awaiting" or "moderated").
ALTER TABLE moderation_queue ADD CONSTRAINT moderation_queue_status_check
    CHECK (status IN ('not-sampled', 'awaiting', 'returned', 'moderated'));
CREATE INDEX moderation_queue_by_moderator ON moderation_queue (assigned_to, status);

-- The auditor's grade per element (and "overall", last) beside the moderator's change.
CREATE TABLE moderation_grades (
    audit_id uuid NOT NULL,
    element text NOT NULL,
    position integer NOT NULL,
    auditor_grade text NOT NULL,
    moderated_grade text,
    rationale text,
    PRIMARY KEY (audit_id, element)
);

-- Calibration: each decision (per submission) and its grade pairs.
CREATE TABLE moderation_decisions (
    audit_id uuid NOT NULL,
    submission integer NOT NULL,
    service_area text NOT NULL,
    month text NOT NULL,
    auditor_id text NOT NULL,
    moderator_id text NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('agreed', 'grades-changed', 'below-standard')),
    decided_at timestamptz NOT NULL,
    PRIMARY KEY (audit_id, submission)
);
CREATE INDEX moderation_decisions_by_area ON moderation_decisions (service_area, month);
CREATE TABLE moderation_pairs (
    audit_id uuid NOT NULL,
    submission integer NOT NULL,
    element text NOT NULL,
    auditor_grade text NOT NULL,
    moderator_grade text NOT NULL,
    PRIMARY KEY (audit_id, submission, element)
);

CREATE TABLE sampling_policies (
    service_area text PRIMARY KEY,
    version integer NOT NULL,
    random_share double precision NOT NULL,
    newly_trained_first_n integer NOT NULL,
    seed bigint NOT NULL,
    set_by text NOT NULL,
    set_at timestamptz NOT NULL
);

-- The staff directory as moderation knows it, per service area.
CREATE TABLE moderation_pool (
    service_area text NOT NULL,
    person_id text NOT NULL,
    change text NOT NULL,
    effective_on date NOT NULL,
    role text NOT NULL,
    team text NOT NULL,
    auditor_since date,
    moderator_since date,
    manager_id text,
    external boolean NOT NULL,
    leaving_on date,
    PRIMARY KEY (service_area, person_id)
);

CREATE TABLE concerns (
    concern_id uuid PRIMARY KEY,
    service_area text NOT NULL,
    audit_id uuid NOT NULL,
    month text NOT NULL,
    category integer NOT NULL,
    decided_by text NOT NULL
);
