-- The devices a member carried at some time in [from, to): their bindings overlapping the
-- window (device_binding_member_idx), and the device they carry now in case a device was given
-- its member without a binding row. A handful of rows; the fixes and fence alerts are then read
-- per device, along the primary key of position and fence_alert_device_idx.
SELECT d.id, d.identifier, d.kind, d.name
FROM device d
WHERE d.id IN (
  SELECT b.device_id FROM device_binding b
  WHERE b.member_id = :member AND b.valid_from < :to AND (b.valid_to IS NULL OR b.valid_to > :from)
  UNION
  SELECT d2.id FROM device d2 WHERE d2.member_id = :member
)
ORDER BY d.id
