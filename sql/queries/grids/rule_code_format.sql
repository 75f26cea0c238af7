-- Code format: base = community code (12) + sequence (3, not 000); industry = the type's managed
-- object class (6) + community code (12) + sequence (2, not 00). Each broken clause is its own row.
SELECT c.idx, c.code, m.rule, m.message, ST_AsGeoJSON(ST_PointOnSurface(ST_Envelope(c.geom)), 7, 0) AS location,
       NULL::text AS other_code, NULL::float8 AS area_m2
FROM grid_candidate c
LEFT JOIN industry_type t ON t.code = c.industry_type
CROSS JOIN LATERAL (VALUES
  ('code_format', c.kind = 'base' AND c.code !~ '^[0-9]{15}$',
     format('base grid code %s must be 15 digits (community code + 3-digit sequence)', c.code)),
  ('code_format', c.kind = 'base' AND c.code ~ '^[0-9]{15}$' AND substr(c.code, 1, 12) <> c.community_code,
     format('base grid code %s does not start with its community code %s', c.code, c.community_code)),
  ('code_format', c.kind = 'base' AND c.code ~ '^[0-9]{15}$' AND substr(c.code, 13) = '000',
     format('base grid code %s has sequence 000 (sequences start at 001)', c.code)),
  ('code_format', c.kind = 'industry' AND c.code !~ '^[0-9]{20}$',
     format('industry grid code %s must be 20 digits (object class 6 + county 6 + street 3 + community 3 + sequence 2)', c.code)),
  ('unknown_industry_type', c.kind = 'industry' AND t.code IS NULL,
     format('industry type %s does not exist', coalesce(c.industry_type, '(none)'))),
  ('code_format', c.kind = 'industry' AND c.code ~ '^[0-9]{20}$' AND t.code IS NOT NULL AND substr(c.code, 1, 6) <> t.object_class,
     format('industry grid code %s must start with object class %s of type %s', c.code, t.object_class, t.code)),
  ('code_format', c.kind = 'industry' AND c.code ~ '^[0-9]{20}$' AND substr(c.code, 7, 12) <> c.community_code,
     format('industry grid code %s does not embed its community code %s at digits 7-18', c.code, c.community_code)),
  ('code_format', c.kind = 'industry' AND c.code ~ '^[0-9]{20}$' AND substr(c.code, 19) = '00',
     format('industry grid code %s has sequence 00 (sequences start at 01)', c.code))
) AS m(rule, failed, message)
WHERE m.failed
ORDER BY c.idx
