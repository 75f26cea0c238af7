-- The contacts a major emergency alerts: rows of the city whose area (an admin code prefix)
-- holds the event's community and whose class prefix, if any, starts its class. A leader is a
-- user by username, a lead body the users of its department; a contact with nobody to reach
-- comes back with no users, so the time line can say so.
SELECT c.kind, c.title, c.username, c.department_code,
  coalesce(array_agg(DISTINCT u.id) FILTER (WHERE u.id IS NOT NULL), '{}') AS user_ids
FROM emergency_contact c
LEFT JOIN department d ON d.code = c.department_code
LEFT JOIN app_user u ON NOT u.disabled AND (u.username = c.username OR (d.id IS NOT NULL AND u.department_id = d.id))
WHERE c.city_code = :cityCode
  AND starts_with(:communityCode, c.area_code)
  AND (c.class_prefix IS NULL OR starts_with(:classCode, c.class_prefix))
GROUP BY c.id
ORDER BY c.id
