-- Claims the open meeting decisions past their deadline that nobody was told of yet, at most
-- `lim` of them, marking them told in the same statement (SKIP LOCKED: another instance's pass
-- takes the others). Bindings: now, lim.
WITH due AS (
  SELECT d.id FROM meeting_decision d
  WHERE d.state = 'open' AND d.overdue_told_at IS NULL AND d.due_at < :now
  ORDER BY d.due_at
  LIMIT :lim
  FOR UPDATE SKIP LOCKED
)
UPDATE meeting_decision d SET overdue_told_at = :now
FROM due, meeting m
WHERE d.id = due.id AND m.id = d.meeting_id
RETURNING d.id, d.meeting_id, d.seq, d.text, d.owner_department_id, d.due_at, m.title, m.area_code, m.event_number, m.convened_by
