-- Allocation in full: the staff directory's history, the whole case record, the cycle's
-- rules, draw and passes, allocations with their returns, exemptions, and what
-- moderation said of each audit.

ALTER TABLE cases
    ADD COLUMN case_ref text,
    ADD COLUMN social_worker_id text,
    ADD COLUMN manager_id text,
    ADD COLUMN opened_on date,
    ADD COLUMN closed_on date,
    ADD COLUMN flags text[] NOT NULL DEFAULT '{}';

-- Every record of every person: the pool as at any month is the latest record in force.
CREATE TABLE staff_records (
    seq bigserial PRIMARY KEY,
    person_id text NOT NULL,
    service_area text NOT NULL,
    change text NOT NULL,
    effective_on date NOT NULL,
    role text NOT NULL,
    team text NOT NULL,
    working_pattern text NOT NULL,
    auditor_since date,
    moderator_since date,
    manager_id text,
    external boolean NOT NULL DEFAULT false,
    leaving_on date
);
CREATE INDEX staff_records_as_at ON staff_records (person_id, effective_on DESC, seq DESC);

-- Auditors registered before the directory: trained since the start (as the domain
-- reads their AuditorRegistered events).
INSERT INTO staff_records (person_id, service_area, change, effective_on, role, team,
                           working_pattern, auditor_since)
SELECT auditor_id, service_area, 'joined', DATE '2000-01-01', 'team-manager', team,
       'full-time', DATE '2000-01-01'
  FROM auditors;
DROP TABLE auditors;

ALTER TABLE cycles
    ADD COLUMN seed bigint,
    ADD COLUMN rules jsonb,
    ADD COLUMN auditors_in_pool integer,
    ADD COLUMN own_team_audits text NOT NULL DEFAULT 'forbidden',
    ADD COLUMN audits_per_auditor integer NOT NULL DEFAULT 1,
    ADD COLUMN moderating text[] NOT NULL DEFAULT '{}',
    ADD COLUMN register_size integer,
    ADD COLUMN shortfalls jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN last_run jsonb,
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN closed_figures jsonb;

CREATE TABLE drawn_cases (
    cycle_id uuid NOT NULL,
    case_id uuid NOT NULL,
    selection text NOT NULL,
    theme text,
    audit_tool text NOT NULL,
    why text NOT NULL,
    PRIMARY KEY (cycle_id, case_id)
);

ALTER TABLE allocations
    ADD COLUMN legal_status text,
    ADD COLUMN auditor_team text,
    ADD COLUMN selection text NOT NULL DEFAULT 'manual',
    ADD COLUMN theme text,
    ADD COLUMN audit_tool text NOT NULL DEFAULT 'core',
    ADD COLUMN by_hand_reason text,
    ADD COLUMN reallocated_from text,
    ADD COLUMN reallocation_reason text,
    ADD COLUMN audit_id uuid,
    ADD COLUMN submission integer,
    ADD COLUMN late boolean NOT NULL DEFAULT false,
    ADD COLUMN returned_at timestamptz,
    ADD COLUMN nil_return boolean NOT NULL DEFAULT false;
-- Allocated before the status travelled on the allocation: the register's status then.
UPDATE allocations a SET legal_status = c.legal_status FROM cases c WHERE c.case_id = a.case_id;
CREATE INDEX allocations_by_cycle ON allocations (cycle_id);

CREATE TABLE exemptions (
    exemption_id uuid PRIMARY KEY,
    cycle_id uuid NOT NULL,
    service_area text NOT NULL,
    month text NOT NULL,
    person_id text NOT NULL,
    kind text NOT NULL,
    non_operational boolean NOT NULL,
    status text NOT NULL,  -- awaiting-director, counted, refused
    decided_by text,
    requested_at timestamptz NOT NULL
);
CREATE INDEX exemptions_by_cycle ON exemptions (cycle_id);

-- From the moderation topic: the latest submission of each audit found below standard.
CREATE TABLE audit_outcomes (
    audit_id uuid PRIMARY KEY,
    below_standard_submission integer NOT NULL
);
