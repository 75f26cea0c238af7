-- The nearest on-duty members to an event (调度: GET /api/v1/events/{number}/dispatch-options):
-- members of a unit of the event's city (a dispatch may name any of them, see
-- server/events/transitions.ts manualAssignment) whose community lies in the caller's
-- jurisdiction, carrying a device with a live fix within the radius (metres) that is not offline
-- (device_status of migration 0017: a fix in the last 5 minutes; idle when still for 10).
-- One row per member: the nearest of the devices they carry. Distances are geodesic (geography
-- on the CGCS2000 ellipsoid); the box (dLon, dLat degrees, a little wider than the radius)
-- lets the geometry index of device_live narrow the rows first. The workload (open events
-- assigned to the member, the statuses given) is counted for the chosen few only.
WITH here AS (
  SELECT ST_SetSRID(ST_MakePoint(CAST(:lon AS float8), CAST(:lat AS float8)), 4490) AS geom
), near AS (
  SELECT DISTINCT ON (m.id)
    m.id AS member_id, m.name AS member_name, m.community_code,
    dep.code AS unit_code, dep.name AS unit_name, dep.kind AS unit_kind,
    d.identifier AS device_identifier, d.name AS device_name, d.kind AS device_kind,
    l.fixed_at, device_status(l.fixed_at, l.still_since, CAST(:now AS timestamptz)) AS status,
    ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat,
    ST_Distance(l.geom::geography, here.geom::geography) AS distance
  FROM here
  JOIN device_live l ON l.geom && ST_Expand(here.geom, CAST(:dLon AS float8), CAST(:dLat AS float8))
    AND ST_DWithin(l.geom::geography, here.geom::geography, CAST(:radius AS float8))
  JOIN device d ON d.id = l.device_id AND NOT d.disabled AND d.member_id = l.member_id
  JOIN grid_member m ON m.id = l.member_id AND m.active
  JOIN department dep ON dep.id = m.department_id AND dep.city_code = :city
  WHERE l.city_code = :city
    AND device_status(l.fixed_at, l.still_since, CAST(:now AS timestamptz)) <> 'offline'
    AND m.community_code LIKE ANY (:patterns::text[])
  ORDER BY m.id, distance, l.fixed_at DESC
)
SELECT n.*,
  (SELECT count(*) FROM event e
   WHERE e.assignee_member_id = n.member_id AND e.status = ANY (:open::text[]))::int AS workload
FROM (SELECT * FROM near ORDER BY distance, member_id LIMIT CAST(:limit AS integer)) n
ORDER BY n.distance, n.member_id
