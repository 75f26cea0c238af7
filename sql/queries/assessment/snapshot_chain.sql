-- A snapshot and every snapshot it superseded, directly or not, newest first (depth 0 is the
-- snapshot asked for), each with the id of the one that superseded it.
WITH RECURSIVE chain AS (
  SELECT s.*, 0 AS depth FROM assessment_snapshot s WHERE s.id = :id AND s.city_code = :city
  UNION ALL
  SELECT s.*, c.depth + 1 FROM assessment_snapshot s JOIN chain c ON s.id = c.supersedes
)
SELECT c.id, c.rule_code, c.rule_version, c.period_kind, c.period_label, c.period_from, c.period_to, c.unit,
  c.computed_at, c.computed_by, c.supersedes, c.reason, c.rows, c.depth,
  (SELECT n.id FROM assessment_snapshot n WHERE n.supersedes = c.id) AS superseded_by
FROM chain c
ORDER BY c.depth
