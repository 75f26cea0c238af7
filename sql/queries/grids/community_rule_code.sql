-- Community codes: 12 digits with a community part (digits 10-12 not 000), an existing parent
-- street (digits 1-9 + 000), not already a division, not twice in one file.
SELECT c.idx, c.code, m.rule, m.message, ST_AsGeoJSON(ST_PointOnSurface(ST_Envelope(c.geom)), 7, 0) AS location,
       NULL::text AS other_code, NULL::float8 AS area_m2
FROM community_candidate c
CROSS JOIN LATERAL (VALUES
  ('code_format', c.code !~ '^[0-9]{12}$' OR substr(c.code, 10) = '000',
     format('community code %s must be 12 digits ending in a non-zero 3-digit community part', c.code)),
  ('unknown_street', c.code ~ '^[0-9]{12}$' AND NOT EXISTS (
     SELECT 1 FROM admin_division s WHERE s.code = substr(c.code, 1, 9) || '000' AND s.level = 'street'),
     format('parent street %s000 of community %s does not exist', substr(c.code, 1, 9), c.code)),
  ('code_taken', EXISTS (SELECT 1 FROM admin_division a WHERE a.code = c.code)
     OR EXISTS (SELECT 1 FROM community_candidate o WHERE o.code = c.code AND o.idx < c.idx),
     format('community code %s already exists (or appears twice in this file)', c.code))
) AS m(rule, failed, message)
WHERE m.failed
ORDER BY c.idx
