-- Events whose dispatched member has reached them (到场) and that have no arrival row yet: the
-- first good fix of the member's devices since the dispatch within the city's arrival radius
-- (or inside the event's current base grid, when the city counts that as arrived).
-- No event id: every open event dispatched to a member (the pass); else that event only (the
-- 处置 check). The fixes come by the position primary key (city, device, time) from the dispatch
-- on, for the devices the member carries now.
SELECT e.id, e.created_at, e.number, e.city_code, e.community_code, e.status, e.dispatched_at,
       m.user_id, m.name AS member_name, f.fixed_at, ST_X(f.geom) AS lon, ST_Y(f.geom) AS lat, f.accuracy,
       ST_Distance(f.geom::geography, e.geom::geography) AS distance, r.radius, r.in_grid
FROM event e
JOIN grid_member m ON m.id = e.assignee_member_id
CROSS JOIN LATERAL (
  SELECT COALESCE(s.arrival_radius_m, 50) AS radius, COALESCE(s.arrival_in_grid, false) AS in_grid
  FROM (SELECT 1) one
  LEFT JOIN LATERAL (SELECT arrival_radius_m, arrival_in_grid FROM event_sla
                     WHERE city_code IN (e.city_code, '000000') ORDER BY city_code = e.city_code DESC LIMIT 1) s ON true) r
LEFT JOIN grid eg ON r.in_grid AND eg.code = e.grid_code AND eg.valid_to IS NULL
CROSS JOIN LATERAL (
  SELECT p.fixed_at, p.geom, p.accuracy
  FROM device d
  JOIN position p ON p.city_code = d.city_code AND p.device_id = d.id AND p.fixed_at >= e.dispatched_at
  WHERE d.member_id = e.assignee_member_id AND p.filter IS NULL
    AND (ST_DWithin(p.geom::geography, e.geom::geography, r.radius) OR ST_Intersects(eg.geom, p.geom))
  ORDER BY p.fixed_at
  LIMIT 1) f
WHERE e.assignee_member_id IS NOT NULL AND e.dispatched_at IS NOT NULL
  AND e.status IN ('dispatched', 'signed', 'handling')
  AND (CAST(:eventId AS bigint) IS NULL OR e.id = :eventId)
  AND NOT EXISTS (SELECT 1 FROM event_history h
                  WHERE h.event_id = e.id AND h.action = 'arrive' AND h.at >= e.dispatched_at)
ORDER BY e.id
LIMIT :limit
