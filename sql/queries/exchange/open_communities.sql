-- Open data: demands per community of one city over [from, to), with a point inside each
-- community (a public label position, not a boundary: the file stays small). Every community of
-- the city is listed, with 0 where nothing was filed. The caller suppresses small cells.
SELECT a.code, a.name, a.parent_code AS street_code, substr(a.code, 1, 6) || '000000' AS district_code,
  ST_AsGeoJSON(ST_PointOnSurface(a.geom), 6)::json AS point,
  coalesce(n.demands, 0)::int AS demands
FROM admin_division a
LEFT JOIN (
  SELECT e.community_code, count(*) AS demands
  FROM event e
  WHERE e.city_code = :city AND e.created_at >= :from AND e.created_at < :to AND e.status <> 'voided'
  GROUP BY e.community_code
) n ON n.community_code = a.code
WHERE a.city_code = :city AND a.level = 'community'
ORDER BY a.code
