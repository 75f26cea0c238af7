-- The fence states a batch changed (one row per device and fence).
INSERT INTO fence_state AS s (device_id, fence_id, inside, since, last_fix_at, dwell_alerted, absent_alerted)
SELECT r.device_id, r.fence_id, r.inside, to_timestamp(r.since / 1000.0), to_timestamp(r.last_fix_at / 1000.0),
       r.dwell_alerted, r.absent_alerted
FROM json_to_recordset(CAST(:rows AS json)) AS r(device_id bigint, fence_id bigint, inside boolean, since float8,
       last_fix_at float8, dwell_alerted boolean, absent_alerted boolean)
JOIN fence f ON f.id = r.fence_id
ON CONFLICT (device_id, fence_id) DO UPDATE SET
  inside = EXCLUDED.inside, since = EXCLUDED.since, last_fix_at = EXCLUDED.last_fix_at,
  dwell_alerted = EXCLUDED.dwell_alerted, absent_alerted = EXCLUDED.absent_alerted
