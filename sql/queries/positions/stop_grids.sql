-- The current base grid of each stop's centroid (the smallest code on a shared boundary, as
-- geocoding decides), or NULL outside every grid. One query for all of a day's stops.
SELECT pt.i::int AS i, g.code
FROM unnest(:lons::float8[], :lats::float8[]) WITH ORDINALITY AS pt(lon, lat, i)
LEFT JOIN LATERAL (
  SELECT g.code FROM grid g
  WHERE g.kind = 'base' AND g.valid_to IS NULL
    AND ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(pt.lon, pt.lat), 4490))
  ORDER BY g.code
  LIMIT 1
) g ON true
ORDER BY pt.i
