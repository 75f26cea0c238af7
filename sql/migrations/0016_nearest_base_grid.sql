-- The current base grid nearest to a point and the geodesic distance to it, in metres: what a
-- point outside every grid is told (geocoding, intake's 422, the import report). One function
-- instead of three copies of the query.
-- The KNN operator (<->) walks the GiST index by planar distance in degrees, which is not
-- metric (a degree of longitude is cos(lat) of a degree of latitude). Of the 8 planar-nearest
-- grids, only those that could still be metrically nearest (planar distance within 1/cos(lat)
-- of the planar minimum) are measured on the spheroid, the costly part. Ties: the smaller code.
-- STRICT: a NULL point (a caller that found a grid passes NULL) answers no row without searching.
CREATE FUNCTION nearest_base_grid(p geometry) RETURNS TABLE (code varchar, metres double precision)
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT c.code, ST_Distance(c.geom::geography, p::geography) AS metres
  FROM (
    SELECT k8.code, k8.geom, k8.planar, min(k8.planar) OVER () AS planar_min
    FROM (
      SELECT g.code, g.geom, g.geom <-> p AS planar
      FROM grid g
      WHERE g.kind = 'base' AND g.valid_to IS NULL
      ORDER BY g.geom <-> p
      LIMIT 8
    ) k8
  ) c
  WHERE c.planar <= c.planar_min / greatest(cos(radians(least(abs(ST_Y(p)), 89.0))), 0.02) + 1e-9
  ORDER BY metres, c.code
  LIMIT 1
$$;
