-- Stages one batch of validated rows (a JSON array, one bound parameter) and locates each in
-- the same statement, set-based: the base grid whose version was valid AT reported_at and
-- contains the point (boundaries change; an event belongs to the grid of its time), else the
-- current base grid containing it. Ties on a shared edge go to the smallest code, the
-- geocoder's rule. Generated rows may carry an anchor (alt_lon/alt_lat, alt_h3: the doorplate or
-- component they were scattered around); when the scattered point left every grid the
-- anchor stands in, so a generated event is always inside its grid. Rows still without a grid
-- lie outside the city and are reported by problems.sql.
INSERT INTO event_import_stage (line, ref, key, channel, demand_type, class_code, description, address, priority,
  h3, source_position, reported_at, status, closed_at, satisfaction, dispatched_at, sign_due_at, signed_at,
  handle_due_at, handled_at, geom, grid_code, grid_version, community_code, city_code, grid_basis)
SELECT r.line, r.ref, r.key, r.channel, r.demand_type, r.class_code, r.description, r.address, r.priority,
  CASE WHEN loc.basis = 'anchor' THEN r.alt_h3 ELSE r.h3 END, r.source_position, r.reported_at, r.status,
  r.closed_at, r.satisfaction, r.dispatched_at, r.sign_due_at, r.signed_at, r.handle_due_at, r.handled_at,
  CASE WHEN loc.basis = 'anchor' THEN a.geom ELSE p.geom END,
  loc.code, loc.version, loc.community_code, loc.city_code, loc.basis
FROM json_to_recordset(:rows::json) AS r(line integer, ref text, key text, channel text, demand_type text,
  class_code text, description text, address text, priority smallint, lon float8, lat float8, h3 bigint,
  alt_lon float8, alt_lat float8, alt_h3 bigint, source_position jsonb, reported_at timestamptz, status text,
  closed_at timestamptz, satisfaction text, dispatched_at timestamptz, sign_due_at timestamptz,
  signed_at timestamptz, handle_due_at timestamptz, handled_at timestamptz)
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4490) AS geom) p
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(r.alt_lon, r.alt_lat), 4490) AS geom) a
CROSS JOIN (SELECT min(valid_from) AS since FROM grid WHERE kind = 'base') v
LEFT JOIN LATERAL (
  SELECT g.code, g.version, g.community_code, g.city_code, 'at_report' AS basis
  FROM grid g
  -- r.reported_at >= v.since refers to no row of grid: a one-time gate, so rows older than
  -- every boundary on file (history before the grids were loaded) skip this probe entirely
  WHERE r.reported_at >= v.since AND g.kind = 'base' AND g.valid_from <= r.reported_at AND (g.valid_to IS NULL OR g.valid_to > r.reported_at)
    AND ST_Intersects(g.geom, p.geom)
  ORDER BY g.code LIMIT 1
) h ON true
LEFT JOIN LATERAL (
  SELECT g.code, g.version, g.community_code, g.city_code, 'current' AS basis
  FROM grid g
  WHERE h.code IS NULL AND g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, p.geom)
  ORDER BY g.code LIMIT 1
) c ON true
LEFT JOIN LATERAL (
  SELECT g.code, g.version, g.community_code, g.city_code, 'anchor' AS basis
  FROM grid g
  WHERE h.code IS NULL AND c.code IS NULL AND r.alt_lon IS NOT NULL
    AND g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, a.geom)
  ORDER BY g.code LIMIT 1
) an ON true
CROSS JOIN LATERAL (
  SELECT coalesce(h.code, c.code, an.code) AS code, coalesce(h.version, c.version, an.version) AS version,
    coalesce(h.community_code, c.community_code, an.community_code) AS community_code,
    coalesce(h.city_code, c.city_code, an.city_code) AS city_code, coalesce(h.basis, c.basis, an.basis) AS basis
) loc
