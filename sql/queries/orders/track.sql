-- The track of an order: the device's good fixes from sending until it arrived, was cancelled or
-- expired (or now), oldest first, by the position primary key (city, device, time).
SELECT ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.fixed_at
FROM resource_order o
JOIN position p ON p.city_code = o.city_code AND p.device_id = o.device_id
  AND p.fixed_at >= o.sent_at AND p.fixed_at <= COALESCE(o.arrived_at, o.closed_at, CAST(:now AS timestamptz))
WHERE o.id = :id AND p.filter IS NULL
ORDER BY p.fixed_at
LIMIT :limit
