-- Tasks whose progress may have moved: open or done tasks of the given days whose member
-- carries a device that reported after since (device_live is one row per device), and the
-- tasks just created (their member may have been out since morning).
SELECT k.id
FROM patrol_task k
WHERE k.day = ANY(CAST(:days AS date[])) AND k.status IN ('open', 'done')
  AND (k.id = ANY(CAST(:created AS bigint[]))
       OR EXISTS (SELECT 1 FROM device_live l
                  JOIN device_binding b ON b.device_id = l.device_id AND b.member_id = k.member_id
                   AND (b.valid_to IS NULL OR b.valid_to > :since)
                  WHERE l.received_at > :since))
ORDER BY k.id
