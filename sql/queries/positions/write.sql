-- Stores a batch's fixes and moves the live positions, in one statement.
-- * A fix already stored (same device and instant: a retried batch) is skipped by the primary
--   key; the ids RETURNING names are the ones stored now, so the caller answers the rest as
--   duplicates.
-- * The live row only moves forwards (WHERE … fixed_at <), so a batch that lost a race to a
--   newer one never moves a device back; its base grid is looked up once per device here.
WITH p AS (
  SELECT * FROM json_to_recordset(CAST(:rows AS json)) AS r(
    city_code text, device_id bigint, member_id bigint, t float8, lon float8, lat float8,
    src_crs text, src_x float8, src_y float8, speed real, bearing real, altitude real,
    accuracy real, battery real, hdop real, filter text, late boolean)
), ins AS (
  INSERT INTO position (city_code, device_id, member_id, fixed_at, geom, src_crs, src_x, src_y,
                        speed, bearing, altitude, accuracy, battery, hdop, filter, late)
  SELECT city_code, device_id, member_id, to_timestamp(t / 1000.0), ST_SetSRID(ST_MakePoint(lon, lat), 4490),
         src_crs, src_x, src_y, speed, bearing, altitude, accuracy, battery, hdop, filter, late
  FROM p
  ON CONFLICT DO NOTHING
  RETURNING device_id, (extract(epoch FROM fixed_at) * 1000)::float8 AS t
), v AS (
  SELECT v.*, ST_SetSRID(ST_MakePoint(v.lon, v.lat), 4490) AS pt
  FROM json_to_recordset(CAST(:live AS json)) AS v(
    device_id bigint, city_code text, member_id bigint, community_code text, t float8, lon float8, lat float8,
    speed real, bearing real, accuracy real, battery real, still_lon float8, still_lat float8, still_t float8)
), live AS (
  INSERT INTO device_live AS l (device_id, city_code, member_id, community_code, fixed_at, received_at, geom,
                                speed, bearing, accuracy, battery, grid_code, still_geom, still_since)
  SELECT v.device_id, v.city_code, v.member_id, v.community_code, to_timestamp(v.t / 1000.0), now(), v.pt,
         v.speed, v.bearing, v.accuracy, v.battery,
         (SELECT g.code FROM grid g
          WHERE g.kind = 'base' AND g.valid_to IS NULL AND ST_Intersects(g.geom, v.pt)
          ORDER BY g.code LIMIT 1),
         ST_SetSRID(ST_MakePoint(v.still_lon, v.still_lat), 4490), to_timestamp(v.still_t / 1000.0)
  FROM v
  ON CONFLICT (device_id) DO UPDATE SET
    member_id = EXCLUDED.member_id, community_code = EXCLUDED.community_code, fixed_at = EXCLUDED.fixed_at,
    received_at = EXCLUDED.received_at, geom = EXCLUDED.geom, speed = EXCLUDED.speed, bearing = EXCLUDED.bearing,
    accuracy = EXCLUDED.accuracy, battery = EXCLUDED.battery, grid_code = EXCLUDED.grid_code,
    still_geom = EXCLUDED.still_geom, still_since = EXCLUDED.still_since
  WHERE l.fixed_at < EXCLUDED.fixed_at
  RETURNING l.device_id, l.grid_code
)
SELECT 'stored' AS k, device_id, t, NULL AS grid_code FROM ins
UNION ALL
SELECT 'live', device_id, NULL, grid_code FROM live
