-- Acknowledges one warning inside the caller's jurisdiction, in ONE statement: the row lock of
-- the UPDATE makes two concurrent acknowledgements one winner and one 409. No row: missing or
-- outside the jurisdiction; acknowledged = false: somebody was first.
WITH target AS (
  SELECT w.id FROM warning w
  WHERE w.id = :id AND w.area_code LIKE ANY (CAST(:patterns AS text[]))
), updated AS (
  UPDATE warning w SET acknowledged_at = :now, acknowledged_by = :user, ack_comment = :comment
  FROM target t
  WHERE w.id = t.id AND w.acknowledged_at IS NULL
  RETURNING w.id
)
SELECT t.id, EXISTS (SELECT 1 FROM updated) AS acknowledged
FROM target t
