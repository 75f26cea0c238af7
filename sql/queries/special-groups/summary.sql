-- Counts of the active special-group records inside the caller's jurisdiction (optionally one area
-- or some grids), by kind: all, by risk level, and overdue (due before today, as list.sql).
SELECT g.kind,
  count(*) AS total,
  count(*) FILTER (WHERE g.risk_level = 'high') AS high,
  count(*) FILTER (WHERE g.risk_level = 'medium') AS medium,
  count(*) FILTER (WHERE g.risk_level = 'low') AS low,
  count(*) FILTER (WHERE COALESCE(CAST(g.last_visit_at AT TIME ZONE 'Asia/Shanghai' AS date), g.since) + p.interval_days
                         < CAST(:today AS date)) AS overdue
FROM special_group g
JOIN special_visit_plan p ON p.special_group_id = g.id
WHERE g.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:area AS text) IS NULL OR g.community_code LIKE CAST(:area AS text))
  AND (CAST(:grids AS text[]) IS NULL OR g.grid_code = ANY (CAST(:grids AS text[])))
  AND (g.until IS NULL OR g.until >= CAST(:today AS date))
GROUP BY g.kind
ORDER BY g.kind
