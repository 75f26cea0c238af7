-- A 督办's facts: the order, its event and the accounts of the department it is addressed to.
SELECT s.kind, s.card, s.reason, s.answer_due_at, e.number, e.community_code,
       (SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') FROM app_user u
         WHERE u.department_id = s.department_id AND NOT u.disabled) AS user_ids
  FROM event_supervision s
  JOIN event e ON e.id = s.event_id
 WHERE s.id = :id
