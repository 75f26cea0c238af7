-- The grid members of one event's replay: the member it is assigned to now and every member who
-- acted on it (a history row written by their user), in id order.
SELECT gm.id
FROM grid_member gm
WHERE gm.id = :assignee
   OR gm.user_id IN (SELECT h.actor_user_id FROM event_history h WHERE h.event_id = :event AND h.actor_user_id IS NOT NULL)
ORDER BY gm.id
