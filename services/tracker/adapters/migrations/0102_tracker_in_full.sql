-- The tracker in full (issue #13): the action lifecycle, Children of Concern decisions,
-- each child's timeline, the staff directory and the notifications waiting to go.

-- Actions: open (within timescale), overdue (flagged past the current due date),
-- completed (awaiting verification), verified (closed).
ALTER TABLE actions DROP CONSTRAINT actions_status_check;
ALTER TABLE actions ADD CONSTRAINT actions_status_check
    CHECK (status IN ('open', 'overdue', 'completed', 'verified'));
ALTER TABLE actions
    ADD COLUMN description text,
    ADD COLUMN raised_at timestamptz,
    ADD COLUMN original_due_date date,
    ADD COLUMN extensions integer NOT NULL DEFAULT 0,
    ADD COLUMN escalation_level integer NOT NULL DEFAULT 0,
    ADD COLUMN completed_by text,
    ADD COLUMN completed_on date,
    ADD COLUMN verified_by text,
    ADD COLUMN verified_on date;
UPDATE actions SET original_due_date = due_date;

DROP INDEX actions_open_by_due_date;
CREATE INDEX actions_open_by_due_date ON actions (due_date) WHERE status IN ('open', 'overdue');
CREATE INDEX actions_by_owner ON actions (owner_id, due_date);
CREATE INDEX actions_by_team ON actions (case_team, due_date);

-- Children of Concern: the category as revised, the decision awaited, the sign-off.
ALTER TABLE children_of_concern
    ADD COLUMN original_category integer,
    ADD COLUMN reason text,
    ADD COLUMN nature text[] NOT NULL DEFAULT '{}',
    ADD COLUMN immediacy text,
    ADD COLUMN decided_by text,
    ADD COLUMN response_due_on date,
    ADD COLUMN escalated_on date,
    ADD COLUMN last_response_by text,
    ADD COLUMN last_response_on date,
    ADD COLUMN under_review boolean NOT NULL DEFAULT false,
    ADD COLUMN closed_by text,
    ADD COLUMN closed_on date;
UPDATE children_of_concern SET original_category = category;

-- The same-day check asks for Category 1 concerns whose response day has passed.
CREATE INDEX children_of_concern_awaiting_response ON children_of_concern (response_due_on)
    WHERE response_due_on IS NOT NULL AND escalated_on IS NULL AND closed_on IS NULL;
CREATE INDEX children_of_concern_by_audit ON children_of_concern (audit_id);

-- Everything tracked, one row per event, for a child's timeline and the figures as at
-- any date (the payload is the event's, decoded again when read).
CREATE TABLE tracker_timeline (
    position bigserial PRIMARY KEY,
    event_id uuid NOT NULL UNIQUE,
    service_area text NOT NULL,
    child_ref text NOT NULL,
    subject text NOT NULL CHECK (subject IN ('action', 'concern')),
    subject_id uuid NOT NULL,
    event_type text NOT NULL,
    schema_version integer NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor text NOT NULL,
    payload jsonb NOT NULL
);
CREATE INDEX tracker_timeline_by_child ON tracker_timeline (child_ref, position);
CREATE INDEX tracker_timeline_by_area ON tracker_timeline (service_area, subject, position);

-- The staff directory as allocation last recorded each person (StaffMemberRecorded).
CREATE TABLE staff (
    person_id text PRIMARY KEY,
    role text NOT NULL,
    team text NOT NULL,
    manager_id text,
    effective_on date NOT NULL,
    left_service boolean NOT NULL DEFAULT false
);
CREATE INDEX staff_by_team_and_role ON staff (team, role);

-- Notifications recorded with the event that caused them, until a sender delivers them.
-- Not rebuilt from the store (a rebuild would send everything again): written once per
-- event and addressee.
CREATE TABLE notifications (
    notification_id bigserial PRIMARY KEY,
    event_id uuid NOT NULL,
    to_person text,
    to_role text,
    subject text NOT NULL,
    body text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    claimed_until timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    sent_at timestamptz,
    CHECK (to_person IS NOT NULL OR to_role IS NOT NULL),
    UNIQUE NULLS NOT DISTINCT (event_id, to_person, to_role)
);
CREATE INDEX notifications_waiting ON notifications (notification_id) WHERE sent_at IS NULL;
