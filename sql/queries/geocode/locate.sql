-- Point → grids for a whole batch in ONE statement: the points arrive as two bound float8
-- arrays (lon, lat in EPSG:4490) and are unnested with their ordinal, so a batch of 10,000
-- points costs one round trip and one plan instead of 10,000. Each point is one GiST probe
-- (grid_geom_idx) that finds every current grid containing it, base and industry alike;
-- the answer is one row per (point, containing grid), ranked within (point, kind, type).
-- Points inside no base grid get no base row; nearest.sql then measures those, only those.
--
-- Shared-boundary rule: grids are closed polygons, so a point on an edge or vertex that
-- several base grids share ST_Intersects all of them. It is assigned to the one with the
-- SMALLEST code (rank 1). Codes are numbered west→east, north→south inside a community, so
-- this is the north-west-most grid of the community with the smallest code. The other grids
-- come back with rank > 1 so callers can say the point was on a boundary. Industry grids
-- follow the same rule per industry type.
WITH pts AS (
  SELECT u.ord::int AS ord, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4490) AS geom
  FROM unnest(?::float8[], ?::float8[]) WITH ORDINALITY AS u(lon, lat, ord)
),
hits AS (
  SELECT p.ord, g.kind, g.industry_type, g.code, g.name, g.version,
         row_number() OVER (PARTITION BY p.ord, g.kind, g.industry_type ORDER BY g.code)::int AS rank
  FROM pts p
  JOIN grid g ON g.valid_to IS NULL AND ST_Intersects(g.geom, p.geom)
)
SELECT h.ord, h.kind, h.industry_type, t.name AS type_name, h.code, h.name, h.version, h.rank
FROM hits h
LEFT JOIN industry_type t ON t.code = h.industry_type
ORDER BY h.ord, h.kind, h.industry_type, h.rank
