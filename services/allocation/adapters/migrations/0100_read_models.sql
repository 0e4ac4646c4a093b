CREATE TABLE cycles (
    cycle_id uuid PRIMARY KEY,
    service_area text NOT NULL,
    month text NOT NULL,
    return_deadline date NOT NULL,
    opened_at timestamptz NOT NULL,
    UNIQUE (service_area, month)
);

CREATE TABLE cases (
    case_id uuid PRIMARY KEY,
    service_area text NOT NULL,
    child_ref text NOT NULL,
    legal_status text NOT NULL,
    team text NOT NULL
);

CREATE TABLE auditors (
    auditor_id text NOT NULL,
    service_area text NOT NULL,
    team text NOT NULL,
    PRIMARY KEY (auditor_id)
);

CREATE TABLE allocations (
    allocation_id uuid PRIMARY KEY,
    cycle_id uuid NOT NULL REFERENCES cycles,
    case_id uuid NOT NULL REFERENCES cases,
    auditor_id text NOT NULL,
    allocated_at timestamptz NOT NULL,
    allocated_by text NOT NULL,
    UNIQUE (cycle_id, case_id)
);
