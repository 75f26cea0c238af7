-- One record of a line, optionally of one of its components: the component's state before is read
-- under a row lock, and a new state (state_after) is written to the component in the same
-- statement, so the record and the component never disagree. A null component: the whole line.
WITH c AS (
  SELECT id, state FROM component WHERE id = :componentId FOR UPDATE
), moved AS (
  UPDATE component SET state = :stateAfter, updated_at = now()
  FROM c WHERE component.id = c.id AND CAST(:stateAfter AS text) IS NOT NULL AND component.state IS DISTINCT FROM :stateAfter
  RETURNING component.id
)
INSERT INTO line_record (line_id, component_id, kind, result, done_at, performed_by, findings, state_before, state_after, recorded_by)
SELECT :lineId, :componentId, :kind, :result, CAST(:doneAt AS timestamptz), :performedBy, :findings,
  (SELECT state FROM c), CAST(:stateAfter AS text), :recordedBy
RETURNING id
