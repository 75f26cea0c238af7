-- One day's tasks for the templates due that day: one per (template, member). The members are
-- the template's own list, else those assigned on that day to its target grids (for a
-- checkpoint template: to the current grids containing one of its checkpoints). Inactive
-- members get none. ON CONFLICT makes a repeated pass (or a second instance) add nothing.
WITH d AS (
  SELECT CAST(:day AS date) AS day,
         CAST(:day AS date)::timestamp AT TIME ZONE 'Asia/Shanghai' AS day_start,
         (CAST(:day AS date) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS day_end
),
tp AS (
  SELECT t.*,
         t.required_visits * CASE WHEN t.target_kind = 'grid' THEN cardinality(t.grid_codes)
           ELSE (SELECT count(*) FROM patrol_checkpoint c WHERE c.template_id = t.id)::int END AS required_total
  FROM patrol_template t WHERE t.id = ANY(CAST(:templateIds AS bigint[]))
),
target_grids AS (
  SELECT tp.id AS template_id, unnest(tp.grid_codes) AS grid_code FROM tp WHERE tp.target_kind = 'grid'
  UNION
  SELECT tp.id, g.code
  FROM tp JOIN patrol_checkpoint c ON c.template_id = tp.id
  JOIN grid g ON g.valid_to IS NULL AND ST_Intersects(g.geom, c.geom)
  WHERE tp.target_kind = 'checkpoint'
),
members AS (
  SELECT tp.id AS template_id, unnest(tp.member_ids) AS member_id FROM tp WHERE cardinality(tp.member_ids) > 0
  UNION
  SELECT t.template_id, a.member_id
  FROM target_grids t
  JOIN tp ON tp.id = t.template_id AND cardinality(tp.member_ids) = 0
  JOIN grid_assignment a ON a.grid_code = t.grid_code
  CROSS JOIN d
  WHERE a.valid_from < d.day_end AND (a.valid_to IS NULL OR a.valid_to > d.day_start)
)
INSERT INTO patrol_task (template_id, member_id, day, city_code, community_code, required_total)
SELECT m.template_id, m.member_id, d.day, gm.city_code, gm.community_code, tp.required_total
FROM members m
CROSS JOIN d
JOIN tp ON tp.id = m.template_id
JOIN grid_member gm ON gm.id = m.member_id AND gm.active
ON CONFLICT (template_id, member_id, day) DO NOTHING
RETURNING id, member_id, community_code
