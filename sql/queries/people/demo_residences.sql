-- Demo people: the current residence rows of a batch of new residents (made in Node: registered
-- residents registered at their house, others tenants of rented houses or living there).
INSERT INTO resident_residence (resident_id, house_id, role, valid_from, reason)
SELECT l.resident_id, l.house_id, l.role, l.valid_from, 'demo'
FROM json_to_recordset(:rows::json) AS l(resident_id bigint, house_id bigint, role text, valid_from timestamptz)
