-- Orders inside a jurisdiction (GET /api/v1/resource-orders and /{id}), newest first, with the
-- resource, its live position and the geodesic distance left from it to the target now: to the
-- point, or to the grid's current boundary (0 inside). Keyset paging by id.
SELECT o.id, o.community_code, o.status, o.target_kind, ST_X(o.target_geom) AS target_lon, ST_Y(o.target_geom) AS target_lat,
       o.radius_m, o.grid_code, g.name AS grid_name, o.event_number, o.note, o.sent_at, o.sent_by_name, o.deadline,
       o.start_distance_m, o.en_route_at, o.arrived_at, o.arrival, o.closed_at, o.cancel_reason,
       d.identifier AS device_identifier, d.name AS device_name, d.kind AS device_kind, o.member_id, m.name AS member_name,
       l.fixed_at AS live_fixed_at, ST_X(l.geom) AS live_lon, ST_Y(l.geom) AS live_lat, l.speed AS live_speed,
       device_status(l.fixed_at, l.still_since, CAST(:now AS timestamptz)) AS live_status,
       ST_Distance(l.geom::geography, COALESCE(g.geom, o.target_geom)::geography) AS distance_left
FROM resource_order o
JOIN device d ON d.id = o.device_id
LEFT JOIN grid_member m ON m.id = o.member_id
LEFT JOIN device_live l ON l.device_id = o.device_id
LEFT JOIN grid g ON o.target_kind = 'grid' AND g.code = o.grid_code AND g.valid_to IS NULL
WHERE o.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:id AS bigint) IS NULL OR o.id = :id)
  AND (CAST(:statuses AS text[]) IS NULL OR o.status = ANY (CAST(:statuses AS text[])))
  AND (CAST(:eventNumber AS text) IS NULL OR o.event_number = :eventNumber)
  AND (CAST(:device AS text) IS NULL OR d.identifier = :device)
  AND (CAST(:memberId AS bigint) IS NULL OR o.member_id = :memberId)
  AND (CAST(:before AS bigint) IS NULL OR o.id < :before)
ORDER BY o.id DESC
LIMIT :limit
