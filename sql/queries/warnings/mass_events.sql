-- 群体性诉求: the events of the window (created in (since, now], not voided) and every pair of
-- them within radiusM metres on the ellipsoid (geography), of the same class when grp asks.
-- A planar prefilter in degrees (deg, generous for latitudes up to 60°) keeps the exact
-- geodesic test to nearby pairs. Rows are events (b IS NULL) or pairs.
WITH ev AS (
  SELECT e.id, e.number, e.created_at, e.class_code, e.community_code, e.geom
  FROM event e
  WHERE e.city_code = :city AND e.created_at > :since AND e.created_at <= :now AND e.status <> 'voided'
)
SELECT a.id AS a, NULL::bigint AS b, a.number, a.created_at, a.class_code, a.community_code,
       ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat
FROM ev a
UNION ALL
SELECT a.id, b.id, NULL, NULL, NULL, NULL, NULL, NULL
FROM ev a
JOIN ev b ON a.id < b.id AND ST_DWithin(a.geom, b.geom, :deg)
WHERE ST_DWithin(a.geom::geography, b.geom::geography, :radiusM)
  AND (:grp = 'any' OR (:grp = 'bigClass' AND left(a.class_code, 2) = left(b.class_code, 2))
       OR (:grp = 'class' AND a.class_code = b.class_code))
