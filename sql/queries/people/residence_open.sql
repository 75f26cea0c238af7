-- Opens the residence rows these residents do not hold yet (resident, house, role).
INSERT INTO resident_residence (resident_id, house_id, role, valid_from, reason)
SELECT l.resident_id, l.house_id, l.role, now(), :reason
FROM json_to_recordset(:links::json) AS l(resident_id bigint, house_id bigint, role text)
WHERE l.house_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM resident_residence rr
                  WHERE rr.resident_id = l.resident_id AND rr.house_id = l.house_id AND rr.valid_to IS NULL)
