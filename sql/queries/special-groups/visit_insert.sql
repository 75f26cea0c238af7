-- A follow-up visit of a record inside the caller's jurisdiction; the record's last visit moves
-- on (never back: a visit entered late keeps the latest), and a home visit or an interview counts
-- as the record's verification (核实). No row: not there.
WITH g AS (
  SELECT id, city_code, community_code, since FROM special_group
  WHERE id = :id AND community_code LIKE ANY (CAST(:patterns AS text[]))
), v AS (
  INSERT INTO special_visit (special_group_id, city_code, community_code, visited_at, method, situation, notes,
    visitor_user_id, visitor_member_id, geom)
  SELECT g.id, g.city_code, g.community_code, CAST(:visitedAt AS timestamptz), :method, :situation, :notes, :user,
    (SELECT m.id FROM grid_member m WHERE m.user_id = CAST(:user AS bigint)),
    CASE WHEN CAST(:lon AS float8) IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)), 4490) END
  FROM g
  RETURNING id, special_group_id, visited_at
), u AS (
  UPDATE special_group s SET
    last_visit_at = GREATEST(s.last_visit_at, v.visited_at),
    verified_at = CASE WHEN CAST(:verifies AS boolean) THEN GREATEST(s.verified_at, v.visited_at) ELSE s.verified_at END,
    updated_at = now()
  FROM v WHERE s.id = v.special_group_id
  RETURNING s.id
)
SELECT v.id, v.visited_at FROM v
