-- Checkpoints (1-based positions in the request) that lie outside the template's admin area.
SELECT c.i::int AS i
FROM unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[])) WITH ORDINALITY AS c (lon, lat, i)
LEFT JOIN admin_division a ON a.code = :admin
WHERE a.code IS NULL OR NOT ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4490))
ORDER BY c.i
