-- AuditModerated v2 spells a grade change "grades-changed" (per element or overall) and
-- adds "below-standard" (returned for rework).
ALTER TABLE moderation_queue DROP CONSTRAINT moderation_queue_outcome_check;
UPDATE moderation_queue SET outcome = 'grades-changed' WHERE outcome = 'grade-changed';
ALTER TABLE moderation_queue ADD CONSTRAINT moderation_queue_outcome_check
    CHECK (outcome IN ('agreed', 'grades-changed', 'below-standard'));
