-- OGC validity with the reason and the point where it fails (self-intersection, ring
-- self-intersection, holes outside shells, …). Later rules skip invalid candidates: GEOS
-- overlays on invalid input throw or lie.
SELECT s.idx, s.code, 'invalid_geometry' AS rule,
       format('invalid polygon: %s', (s.d).reason) AS message,
       ST_AsGeoJSON(coalesce((s.d).location, ST_PointN(ST_ExteriorRing(ST_GeometryN(s.geom, 1)), 1)), 7, 0) AS location,
       NULL::text AS other_code, NULL::float8 AS area_m2
FROM (SELECT idx, code, geom, ST_IsValidDetail(geom) AS d FROM grid_candidate) AS s
WHERE NOT (s.d).valid
ORDER BY s.idx
