-- Acknowledges one alert inside the caller's jurisdiction, in ONE statement: the row lock of
-- the UPDATE makes two concurrent acknowledgements one winner and one 409. Answers no row when
-- the alert is missing or outside the jurisdiction; acknowledged = false when somebody was
-- first (the caller reads who and when in its next statement, which sees their commit).
WITH target AS (
  SELECT a.id, a.acknowledged_at
  FROM fence_alert a
  WHERE a.id = :id AND a.community_code LIKE ANY (CAST(:patterns AS text[]))
), updated AS (
  UPDATE fence_alert a SET acknowledged_at = :now, acknowledged_by = :user
  FROM target t
  WHERE a.id = t.id AND a.acknowledged_at IS NULL
  RETURNING a.id
)
SELECT t.id, EXISTS (SELECT 1 FROM updated) AS acknowledged
FROM target t
