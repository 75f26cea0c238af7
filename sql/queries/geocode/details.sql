-- What a located base grid brings with it, once per distinct grid of a batch (not per point):
-- its admin chain (community → street → district, derived from the statistical code levels:
-- a base grid code starts with its 12-digit community code, so the answer agrees with the
-- boundary rule that picked the grid and does not depend on which grid version is current),
-- its primary grid members on duty now, and every department whose admin area covers it,
-- most local first (community committee, street office, district office / functional, city).
SELECT
  g.code AS grid_code,
  c.code AS community_code, c.name AS community_name,
  s.code AS street_code, s.name AS street_name,
  d.code AS district_code, d.name AS district_name,
  (
    SELECT coalesce(jsonb_agg(jsonb_build_object(
             'id', m.id, 'name', m.name, 'phone', m.phone, 'duty', m.duty) ORDER BY m.id), '[]'::jsonb)
    FROM grid_assignment a
    JOIN grid_member m ON m.id = a.member_id
    WHERE a.grid_code = g.code AND a.is_primary AND m.active
      AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())
  ) AS inspectors,
  (
    SELECT coalesce(jsonb_agg(jsonb_build_object(
             'id', dep.id, 'code', dep.code, 'name', dep.name, 'kind', dep.kind, 'adminCode', dep.admin_code)
           ORDER BY dep.admin_code DESC, dep.kind, dep.code), '[]'::jsonb)
    FROM department dep
    WHERE dep.admin_code IN (
      g.community_code,
      substr(g.community_code, 1, 9) || '000',
      substr(g.community_code, 1, 6) || '000000',
      substr(g.community_code, 1, 4) || '00000000')
  ) AS departments
FROM (SELECT x.code, substr(x.code, 1, 12) AS community_code FROM unnest(?::text[]) AS x(code)) g
JOIN admin_division c ON c.code = g.community_code
LEFT JOIN admin_division s ON s.code = substr(g.community_code, 1, 9) || '000'
LEFT JOIN admin_division d ON d.code = substr(g.community_code, 1, 6) || '000000'
