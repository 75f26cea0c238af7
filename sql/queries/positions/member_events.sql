-- The events a member touched in [from, to): history rows the member's user wrote, and the
-- history rows of events assigned to the member (dispatches to them, arrivals, answers), each
-- with the event's place, for a replay to show next to the track. Only events inside the
-- caller's jurisdiction (its LIKE patterns), like every event read.
-- Two branches rather than one OR, so that each can walk its own index (the member's history
-- rows by (actor_user_id, at); the events assigned to the member) where the schema has one.
WITH touched AS (
  SELECT h.event_id, h.seq FROM event_history h
  WHERE h.actor_user_id = :user AND h.at >= :from AND h.at < :to
  UNION
  SELECT h.event_id, h.seq FROM event e JOIN event_history h ON h.event_id = e.id
  WHERE e.assignee_member_id = :member AND h.at >= :from AND h.at < :to
)
SELECT e.number, h.seq, h.action, h.from_status, h.to_status, h.at, h.actor_name, h.actor_role,
       ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, e.grid_code, e.class_code,
       (h.actor_user_id IS NOT NULL AND h.actor_user_id = :user) AS by_member,
       (e.assignee_member_id IS NOT NULL AND e.assignee_member_id = :member) AS assigned
FROM touched t
JOIN event_history h ON h.event_id = t.event_id AND h.seq = t.seq
JOIN event e ON e.id = h.event_id
WHERE e.community_code LIKE ANY (:patterns::text[])
ORDER BY h.at, e.number, h.seq
LIMIT 5000
