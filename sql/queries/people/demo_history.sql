-- Demo people: earlier residences (closed before the current one began), one per listed resident.
INSERT INTO resident_residence (resident_id, house_id, role, valid_from, valid_to, reason)
SELECT l.resident_id, l.house_id, 'living', cur.valid_from - interval '3 years', cur.valid_from, 'demo'
FROM json_to_recordset(:rows::json) AS l(resident_id bigint, house_id bigint)
JOIN resident_residence cur ON cur.resident_id = l.resident_id AND cur.valid_to IS NULL
