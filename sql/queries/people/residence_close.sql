-- Closes the current residence rows that the new state of these residents no longer holds:
-- links to another house, or to the same house in another role; history rows are never deleted.
UPDATE resident_residence rr SET valid_to = now()
FROM json_to_recordset(:links::json) AS l(resident_id bigint, house_id bigint, role text)
WHERE rr.resident_id = l.resident_id AND rr.valid_to IS NULL
  AND (l.house_id IS NULL OR rr.house_id <> l.house_id OR rr.role <> l.role)
