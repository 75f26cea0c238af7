-- For points inside no base grid (a separate statement, run only when a batch has such points,
-- so the common all-inside batch never pays for it): the nearest current base grid and the
-- geodesic distance to it (nearest_base_grid(), migration 0016), one row per point, in one
-- statement for the whole set.
SELECT p.ord::int AS ord, k.code, k.metres
FROM unnest(?::float8[], ?::float8[]) WITH ORDINALITY AS u(lon, lat, ord)
CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4490) AS geom, u.ord) p
CROSS JOIN LATERAL nearest_base_grid(p.geom) k
ORDER BY p.ord
