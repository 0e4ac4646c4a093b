-- Audits in full: the tool each is done on, the working draft, each submission's findings,
-- moderation's outcome and grades, rework, finalising; the actions and Children of
-- Concern an audit raised.
ALTER TABLE audits DROP CONSTRAINT audits_status_check;
ALTER TABLE audits ADD CONSTRAINT audits_status_check CHECK (status IN (
    'assigned', 'in-progress', 'submitted', 'returned', 'final',
    'not-completed-to-standard', 'not-submitted'));

ALTER TABLE audits
    ADD COLUMN audit_tool text NOT NULL DEFAULT 'legacy-overall',
    ADD COLUMN tool_version integer,
    ADD COLUMN selection text NOT NULL DEFAULT 'core',
    ADD COLUMN theme text,
    ADD COLUMN started_at timestamptz,
    ADD COLUMN draft jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN draft_saved_at timestamptz,
    ADD COLUMN submission integer NOT NULL DEFAULT 0,
    ADD COLUMN submitted_by text,
    ADD COLUMN findings jsonb,
    ADD COLUMN submitted_grade text,
    ADD COLUMN element_grades jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN limited_by jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN sampled boolean NOT NULL DEFAULT false,
    ADD COLUMN moderator_id text,
    ADD COLUMN moderation_outcome text,
    ADD COLUMN moderated_at timestamptz,
    ADD COLUMN returned_by text,
    ADD COLUMN returned_reasons text,
    ADD COLUMN returned_at timestamptz,
    ADD COLUMN finalised_at timestamptz,
    ADD COLUMN moderated boolean,
    ADD COLUMN completed_to_standard boolean,
    ADD COLUMN cycle_closed_at timestamptz;

-- Audits assigned before tools existed are done on the built-in legacy tool, version 1.
UPDATE audits SET tool_version = 1, submitted_grade = overall_grade,
                  submission = CASE WHEN status = 'submitted' THEN 1 ELSE 0 END;

CREATE TABLE audit_actions (
    action_id uuid PRIMARY KEY,
    audit_id uuid NOT NULL,
    submission integer NOT NULL,
    description text NOT NULL,
    owner_id text NOT NULL,
    due_date date NOT NULL,
    priority text NOT NULL,
    raised_at timestamptz NOT NULL
);
CREATE INDEX audit_actions_by_audit ON audit_actions (audit_id, raised_at);

CREATE TABLE audit_concerns (
    concern_id uuid PRIMARY KEY,
    audit_id uuid NOT NULL,
    category integer NOT NULL,
    reason text NOT NULL,
    nature jsonb NOT NULL,
    immediacy text,
    decided_by text NOT NULL,
    raised_at timestamptz NOT NULL
);
CREATE INDEX audit_concerns_by_audit ON audit_concerns (audit_id, raised_at);
