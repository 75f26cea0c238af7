-- Hot spots per base grid: every current base grid of the study area (the caller's jurisdiction,
-- and `area` when given) with its outline, its event count (by the grid code stored at intake,
-- with the same filters as cell_counts) and its queen neighbours: current base grids of the same
-- study area sharing at least a point with it (ArcGIS CONTIGUITY_EDGES_CORNERS). Found through
-- the grid's spatial index, one lateral probe per grid.
WITH counts AS (
  SELECT e.grid_code AS code, count(*)::integer AS n
  FROM event e
  WHERE e.created_at >= :from AND e.created_at < :to
    AND e.grid_code IS NOT NULL
    AND analytics_event_matches(e.community_code, e.class_code, e.channel, e.demand_type, e.status,
          :patterns::text[], :area::text, :klass::text, :channels::text[], :demandTypes::text[], :statuses::text[])
  GROUP BY 1
)
SELECT g.code, ST_AsGeoJSON(g.geom, 7) AS geojson, COALESCE(c.n, 0) AS n,
  ARRAY(
    SELECT t.code FROM grid t
    WHERE t.kind = 'base' AND t.valid_to IS NULL AND t.code <> g.code
      AND t.community_code LIKE ANY(:patterns::text[])
      AND (:area::text IS NULL OR t.community_code LIKE :area)
      AND t.geom && g.geom AND ST_Intersects(t.geom, g.geom)
    ORDER BY t.code
  ) AS neighbours
FROM grid g
LEFT JOIN counts c ON c.code = g.code
WHERE g.kind = 'base' AND g.valid_to IS NULL
  AND g.community_code LIKE ANY(:patterns::text[])
  AND (:area::text IS NULL OR g.community_code LIKE :area)
ORDER BY g.code
