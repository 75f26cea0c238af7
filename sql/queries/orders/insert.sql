-- A new order (status sent), with the geodesic distance from the device's live position to the
-- target when sent: to the point, or to the grid's boundary (0 inside it). No live position: NULL.
WITH target AS (
  SELECT ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)), 4490) AS point,
         (SELECT g.geom FROM grid g WHERE g.code = CAST(:gridCode AS text) AND g.valid_to IS NULL LIMIT 1) AS area
)
INSERT INTO resource_order (city_code, community_code, device_id, member_id, target_kind, target_geom, radius_m, grid_code,
  event_number, note, sent_at, sent_by, sent_by_name, deadline, start_distance_m)
SELECT :city, :community, :deviceId, CAST(:memberId AS bigint), :kind, t.point, CAST(:radius AS integer), CAST(:gridCode AS text),
  CAST(:eventNumber AS text), CAST(:note AS text), :now, CAST(:userId AS bigint), CAST(:userName AS text), :deadline,
  (SELECT ST_Distance(l.geom::geography, COALESCE(t.area, t.point)::geography) FROM device_live l WHERE l.device_id = :deviceId)
FROM target t
RETURNING id
