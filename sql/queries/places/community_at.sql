-- The community (admin division of level community) containing each point of a batch, by the
-- points' ordinals; the smallest code where boundaries touch. Points in no community get no row.
SELECT DISTINCT ON (u.ord) u.ord::int AS ord, d.code
FROM unnest(?::float8[], ?::float8[]) WITH ORDINALITY AS u(lon, lat, ord)
JOIN admin_division d ON d.level = 'community'
  AND ST_Intersects(d.geom, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4490))
ORDER BY u.ord, d.code
