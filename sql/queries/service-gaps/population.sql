-- Where the residents and households of the communities asked for live, one row per point: the
-- residents living there now (not moved out) at their house's point (their own point when they
-- have no house), how many of them were 60 or older at the end of the year checked, and the
-- households whose house stands there. The caller's jurisdiction bounds the communities.
WITH people AS (
  SELECT r.community_code, coalesce(h.geom, r.geom) AS geom, count(*)::integer AS residents,
         (count(*) FILTER (WHERE r.birth_date <= :elderBorn))::integer AS elderly, 0 AS households
  FROM resident r LEFT JOIN house h ON h.id = r.house_id
  WHERE r.community_code = ANY(:codes::text[]) AND r.community_code LIKE ANY(:patterns::text[])
    AND r.moved_out_at IS NULL AND coalesce(h.geom, r.geom) IS NOT NULL
  GROUP BY 1, 2
), homes AS (
  SELECT hh.community_code, h.geom, 0 AS residents, 0 AS elderly, count(*)::integer AS households
  FROM household hh JOIN house h ON h.id = hh.house_id
  WHERE hh.community_code = ANY(:codes::text[]) AND hh.community_code LIKE ANY(:patterns::text[]) AND h.geom IS NOT NULL
  GROUP BY 1, 2
)
SELECT community_code, ST_X(geom) AS lon, ST_Y(geom) AS lat,
       sum(residents)::integer AS residents, sum(elderly)::integer AS elderly, sum(households)::integer AS households
FROM (SELECT * FROM people UNION ALL SELECT * FROM homes) AS x
GROUP BY community_code, geom
ORDER BY community_code, lon, lat
