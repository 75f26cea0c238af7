-- Fence alerts of the member's devices in [from, to) while the member carried them
-- (fence_alert.member_id is the member at the alert), along fence_alert_device_idx.
SELECT a.id, a.fence_id, f.name AS fence_name, a.device_id, a.kind, a.at, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat,
       a.acknowledged_at
FROM fence_alert a
JOIN fence f ON f.id = a.fence_id
WHERE a.device_id = ANY (:devices::bigint[])
  AND a.at >= :from AND a.at < :to
  AND a.member_id = :member
ORDER BY a.at, a.id
LIMIT 5000
