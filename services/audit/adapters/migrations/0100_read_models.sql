CREATE TABLE audits (
    audit_id uuid PRIMARY KEY,
    allocation_id uuid NOT NULL UNIQUE,
    cycle_id uuid NOT NULL,
    service_area text NOT NULL,
    month text NOT NULL,
    return_deadline date NOT NULL,
    case_id uuid NOT NULL,
    child_ref text NOT NULL,
    legal_status text NOT NULL,
    case_team text NOT NULL,
    auditor_id text NOT NULL,
    assigned_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'assigned' CHECK (status IN ('assigned', 'submitted')),
    overall_grade text,
    submitted_at timestamptz,
    late boolean
);

CREATE INDEX audits_by_auditor ON audits (auditor_id, service_area, assigned_at DESC);
