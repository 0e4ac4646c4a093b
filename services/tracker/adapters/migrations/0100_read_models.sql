CREATE TABLE actions (
    action_id uuid PRIMARY KEY,
    audit_id uuid NOT NULL,
    service_area text NOT NULL,
    month text NOT NULL,
    child_ref text NOT NULL,
    case_team text NOT NULL,
    owner_id text NOT NULL,
    due_date date NOT NULL,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'overdue')),
    overdue_since date
);

-- The overdue scan asks for open actions due before a day; the API lists by area.
CREATE INDEX actions_open_by_due_date ON actions (due_date) WHERE status = 'open';
CREATE INDEX actions_by_service_area ON actions (service_area, status);

CREATE TABLE children_of_concern (
    concern_id uuid PRIMARY KEY,
    audit_id uuid NOT NULL,
    service_area text NOT NULL,
    month text NOT NULL,
    child_ref text NOT NULL,
    case_team text NOT NULL,
    category integer NOT NULL CHECK (category IN (1, 2)),
    tracked_since timestamptz NOT NULL
);

CREATE INDEX children_of_concern_by_service_area ON children_of_concern (service_area);
