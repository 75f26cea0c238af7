-- Coverage of one community by its current base grids: the gaps (community minus the union of
-- its grids, split into parts, slivers below the tolerance dropped) and the overlapping pairs.
-- Areas are on the ellipsoid (geography), in m².
WITH c AS (
  SELECT code, name, geom FROM admin_division WHERE code = :community AND level = 'community'
), g AS (
  SELECT code, geom FROM grid WHERE community_code = :community AND kind = 'base' AND valid_to IS NULL
), u AS (
  SELECT coalesce(ST_Union(geom), ST_GeomFromText('POLYGON EMPTY', 4490)) AS geom, count(*) AS n FROM g
), gaps AS (
  SELECT (ST_Dump(ST_CollectionExtract(ST_Difference(c.geom, u.geom), 3))).geom AS geom FROM c, u
), pairs AS (
  SELECT a.code AS a, b.code AS b, ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS geom
  FROM g a JOIN g b ON a.code < b.code AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')
)
SELECT c.code, c.name, u.n AS grid_count,
       ST_Area(c.geom::geography) AS community_m2,
       ST_Area(ST_Intersection(c.geom, u.geom)::geography) AS covered_m2,
       (SELECT coalesce(json_agg(json_build_object('geometry', ST_AsGeoJSON(x.geom, 7, 0)::json, 'areaM2', round(x.m2::numeric, 1)) ORDER BY x.m2 DESC), '[]'::json)
          FROM (SELECT geom, ST_Area(geom::geography) AS m2 FROM gaps) AS x WHERE x.m2 > :tolerance) AS gaps,
       (SELECT coalesce(json_agg(json_build_object('geometry', ST_AsGeoJSON(o.geom, 7, 0)::json, 'codes', json_build_array(o.a, o.b),
                'areaM2', round(ST_Area(o.geom::geography)::numeric, 1)) ORDER BY o.a, o.b), '[]'::json)
          FROM pairs AS o WHERE ST_Area(o.geom::geography) > :tolerance) AS overlaps
FROM c, u
