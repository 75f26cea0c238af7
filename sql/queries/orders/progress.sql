-- The order pass: for open orders whose device reported since the watermark, that were sent
-- since it, or whose deadline has passed, what the positions say (fixes from sending to the
-- deadline, filtered fixes left out, by the position primary key):
-- * arrival: the first fix inside the target (within radius_m geodesic metres of the point, or
--   contained in the grid's current boundary), with its distance to the target;
-- * first: the first fix after sending (the baseline when no live position was known at sending);
-- * closer: the first fix closer to the target than the baseline by more than moveM metres (GPS
--   jitter of a resource standing still is no progress).
WITH o AS (
  SELECT o.* FROM resource_order o
  WHERE o.status IN ('sent', 'en_route')
    AND (o.deadline <= CAST(:now AS timestamptz) OR o.sent_at >= CAST(:since AS timestamptz)
         OR EXISTS (SELECT 1 FROM device_live l WHERE l.device_id = o.device_id AND l.received_at >= CAST(:since AS timestamptz)))
  ORDER BY o.id
  LIMIT :limit
)
SELECT o.id, o.status, o.community_code, o.deadline, o.start_distance_m, o.member_id, o.event_number, d.identifier AS device,
       a.fixed_at AS arrived_at, a.lon, a.lat, a.accuracy, a.distance AS arrival_distance,
       f.distance AS first_distance, c.fixed_at AS closer_at
FROM o
JOIN device d ON d.id = o.device_id
LEFT JOIN grid g ON o.target_kind = 'grid' AND g.code = o.grid_code AND g.valid_to IS NULL
LEFT JOIN LATERAL (
  SELECT p.fixed_at, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.accuracy,
         ST_Distance(p.geom::geography, COALESCE(g.geom, o.target_geom)::geography) AS distance
  FROM position p
  WHERE p.city_code = o.city_code AND p.device_id = o.device_id AND p.fixed_at >= o.sent_at AND p.fixed_at <= o.deadline
    AND p.filter IS NULL
    AND CASE WHEN o.target_kind = 'grid' THEN ST_Contains(g.geom, p.geom)
             ELSE ST_DWithin(p.geom::geography, o.target_geom::geography, o.radius_m) END
  ORDER BY p.fixed_at
  LIMIT 1) a ON true
LEFT JOIN LATERAL (
  SELECT ST_Distance(p.geom::geography, COALESCE(g.geom, o.target_geom)::geography) AS distance
  FROM position p
  WHERE p.city_code = o.city_code AND p.device_id = o.device_id AND p.fixed_at >= o.sent_at AND p.fixed_at <= o.deadline
    AND p.filter IS NULL
  ORDER BY p.fixed_at
  LIMIT 1) f ON o.start_distance_m IS NULL
LEFT JOIN LATERAL (
  SELECT p.fixed_at
  FROM position p
  WHERE p.city_code = o.city_code AND p.device_id = o.device_id AND p.fixed_at >= o.sent_at AND p.fixed_at <= o.deadline
    AND p.filter IS NULL
    AND ST_Distance(p.geom::geography, COALESCE(g.geom, o.target_geom)::geography) < COALESCE(o.start_distance_m, f.distance) - CAST(:moveM AS float8)
  ORDER BY p.fixed_at
  LIMIT 1) c ON o.status = 'sent'
ORDER BY o.id
