-- Locks a chunk of devices for the clock-only pass and reads their fence states and last
-- known position (where a dwell or absence alert is placed).
-- The lock is ingest's (positions/lock_devices.sql: FOR NO KEY UPDATE on the device row), so a
-- device's batch and its tick never interleave; SKIP LOCKED leaves a device being ingested
-- (it is reporting: its batch judges dwell and absence itself) or ticked by another instance's
-- pass to them, without waiting. States are read after the lock, so they are the latest.
WITH locked AS (
  SELECT d.id FROM device d
  WHERE d.id = ANY (CAST(:ids AS bigint[])) AND NOT d.disabled
  ORDER BY d.id
  FOR NO KEY UPDATE SKIP LOCKED
)
SELECT d.id, d.member_id, COALESCE(m.community_code, d.admin_code) AS community,
       ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat,
       (SELECT json_agg(json_build_object('fenceId', s.fence_id, 'inside', s.inside,
                 'since', (extract(epoch FROM s.since) * 1000)::float8,
                 'lastFixAt', (extract(epoch FROM s.last_fix_at) * 1000)::float8,
                 'dwellAlerted', s.dwell_alerted, 'absentAlerted', s.absent_alerted))
          FROM fence_state s WHERE s.device_id = d.id) AS states
FROM locked k
JOIN device d ON d.id = k.id
LEFT JOIN grid_member m ON m.id = d.member_id
LEFT JOIN device_live l ON l.device_id = d.id
ORDER BY d.id
