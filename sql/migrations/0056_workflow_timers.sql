-- Issue 18's timers: an overdue meeting decision is told to its owner unit and the convener once;
-- this records when (claimed by the UPDATE that sets it, so two instances never tell twice).
ALTER TABLE meeting_decision ADD COLUMN overdue_told_at timestamptz;
CREATE INDEX meeting_decision_overdue_idx ON meeting_decision (due_at) WHERE state = 'open' AND overdue_told_at IS NULL;
