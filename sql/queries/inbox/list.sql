-- One page of a user's inbox, newest first (keyset on id), and the unread count. Held notices
-- (quiet hours) are listed: quiet hours hold the pushes, not what the user opens.
SELECT i.id, i.kind, i.title, i.body, i.event_ref, i.area_code, i.link, i.data, i.created_at, i.deliver_at,
       i.pushed_at, i.read_at
  FROM inbox_item i
 WHERE i.user_id = :userId
   AND (CAST(:before AS bigint) IS NULL OR i.id < CAST(:before AS bigint))
   AND (CAST(:kind AS text) IS NULL OR i.kind = CAST(:kind AS text))
   AND (NOT CAST(:unread AS boolean) OR i.read_at IS NULL)
 ORDER BY i.id DESC
 LIMIT :limit
