-- Component rules, one row per broken clause: id = county (6) + class (4) + sequence (6); the
-- class must exist; the county must be the community's; the id must be new; the community
-- must exist and contain the point.
SELECT c.idx, c.id AS code, m.rule, m.message, ST_AsGeoJSON(c.geom, 7, 0) AS location,
       NULL::text AS other_code, NULL::float8 AS area_m2
FROM component_candidate c
LEFT JOIN admin_division a ON a.code = c.community_code AND a.level = 'community'
CROSS JOIN LATERAL (VALUES
  ('code_format', c.id !~ '^[0-9]{16}$', format('component id %s must be 16 digits (county 6 + class 4 + sequence 6)', c.id)),
  ('unknown_class', c.id ~ '^[0-9]{16}$' AND NOT EXISTS (SELECT 1 FROM component_class k WHERE k.code = substr(c.id, 7, 4)),
     format('component class %s does not exist', substr(c.id, 7, 4))),
  ('code_format', c.id ~ '^[0-9]{16}$' AND substr(c.id, 1, 6) <> substr(c.community_code, 1, 6),
     format('component id %s does not start with the county code of community %s', c.id, c.community_code)),
  ('code_taken', EXISTS (SELECT 1 FROM component k WHERE k.id = c.id)
     OR EXISTS (SELECT 1 FROM component_candidate o WHERE o.id = c.id AND o.idx < c.idx),
     format('component id %s already exists (or appears twice in this file)', c.id)),
  ('unknown_community', a.code IS NULL, format('community %s does not exist', c.community_code)),
  ('outside_community', a.code IS NOT NULL AND NOT ST_Intersects(a.geom, c.geom),
     format('component lies outside its community %s', c.community_code))
) AS m(rule, failed, message)
WHERE m.failed
ORDER BY c.idx
