-- What a reconnecting stream missed: the user's notices told after its cursor, oldest first.
SELECT i.id, i.user_id, i.push_seq, i.kind, i.title, i.event_ref, i.link, i.created_at
  FROM inbox_item i
 WHERE i.user_id = :userId AND i.push_seq > :after
 ORDER BY i.push_seq
 LIMIT 500
