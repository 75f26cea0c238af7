-- A checkpoint template's checkpoints, in request order (seq 1, 2, …).
INSERT INTO patrol_checkpoint (template_id, seq, name, radius_m, geom, source)
SELECT :template, c.i, c.name, c.radius, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4490), c.source::jsonb
FROM unnest(CAST(:names AS text[]), CAST(:radii AS float8[]), CAST(:lons AS float8[]), CAST(:lats AS float8[]), CAST(:sources AS text[]))
  WITH ORDINALITY AS c (name, radius, lon, lat, source, i)
