-- Stores fence alerts, queues them for the city's platforms, and answers the stored ones, in
-- ONE statement.
-- * ON CONFLICT DO NOTHING on (fence_id, device_id, kind, at): the same alert computed twice
--   (two instances, two passes, a retried batch) is stored once, and RETURNING answers only
--   the rows this statement stored, so only its caller announces them.
-- * One outbox row per enabled platform of the city whose `actions` filter is NULL or names
--   'fence_alert' (the platforms' subscription, as for event changes in 0012). The key
--   'fence_alert:<alert id>:<platform>' is unique per topic and travels as the message id, so a
--   receiver drops repeats. The payload never carries names or phone numbers of members.
-- at arrives as epoch milliseconds (the engine's clock), as the fence states do.
WITH input AS (
  SELECT r.*
  FROM json_to_recordset(CAST(:rows AS json)) AS r(fence_id bigint, device_id bigint, member_id bigint, community text,
       kind text, at float8, lon float8, lat float8, detail jsonb)
), stored AS (
  INSERT INTO fence_alert AS a (city_code, fence_id, device_id, member_id, community_code, kind, at, geom, detail)
  SELECT :city, i.fence_id, i.device_id, i.member_id, i.community, i.kind, to_timestamp(i.at / 1000.0),
         ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4490), COALESCE(i.detail, '{}')
  FROM input i
  ON CONFLICT (fence_id, device_id, kind, at) DO NOTHING
  RETURNING a.*
), described AS (
  SELECT s.*, f.name AS fence_name, f.kind AS fence_kind, d.identifier AS device, d.name AS device_name, m.name AS member_name
  FROM stored s
  JOIN fence f ON f.id = s.fence_id
  JOIN device d ON d.id = s.device_id
  LEFT JOIN grid_member m ON m.id = s.member_id
), queued AS (
  INSERT INTO outbox (city_code, topic, key, payload, platform_code)
  SELECT s.city_code, 'fence_alert', 'fence_alert:' || s.id || ':' || p.code,
         jsonb_build_object(
           'schema', 'gridgov.fence-alert/1',
           'messageId', 'fence_alert:' || s.id || ':' || p.code,
           'platform', p.code,
           'alert', jsonb_build_object(
             'id', s.id, 'kind', s.kind, 'at', s.at, 'cityCode', s.city_code, 'communityCode', s.community_code,
             'fence', jsonb_build_object('id', s.fence_id, 'name', s.fence_name, 'kind', s.fence_kind),
             'device', jsonb_build_object('identifier', s.device, 'name', s.device_name),
             'memberId', s.member_id,
             'location', jsonb_build_object('type', 'Point', 'coordinates', jsonb_build_array(ST_X(s.geom), ST_Y(s.geom)), 'crs', 'EPSG:4490'),
             'detail', s.detail)),
         p.code
  FROM described s
  JOIN integration_platform p ON p.city_code = s.city_code AND p.enabled
  WHERE p.actions IS NULL OR 'fence_alert' = ANY (p.actions)
  ORDER BY s.id, p.code
  ON CONFLICT (topic, key) DO NOTHING
)
SELECT s.id, s.city_code, s.fence_id, s.fence_name, s.device_id, s.device, s.device_name, s.member_id, s.member_name,
       s.community_code, s.kind, s.at, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.detail, s.created_at,
       s.acknowledged_at, s.acknowledged_by
FROM described s
ORDER BY s.at, s.id
