-- A to-do's facts: the event, its assignee now (the member's account, else the department's
-- accounts) and the history row that made it.
SELECT e.number, e.community_code, e.description, e.handle_due_at, e.sign_due_at, h.action, h.actor_name,
       gm.user_id AS member_user_id,
       CASE WHEN gm.user_id IS NULL THEN
         (SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}') FROM app_user u
           WHERE u.department_id = e.assignee_department_id AND NOT u.disabled)
       END AS department_user_ids
  FROM event e
  JOIN event_history h ON h.event_id = e.id AND h.seq = :seq
  LEFT JOIN grid_member gm ON gm.id = e.assignee_member_id AND gm.active
 WHERE e.id = :eventId
