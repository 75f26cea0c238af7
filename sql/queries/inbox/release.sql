-- The release pass: held notices whose quiet hours are over get their stream cursor and are
-- told now. SKIP LOCKED: two instances release each notice once.
UPDATE inbox_item i
   SET pushed_at = :now, push_seq = nextval('inbox_push_seq')
 WHERE i.id IN (SELECT h.id FROM inbox_item h
                 WHERE h.pushed_at IS NULL AND h.deliver_at <= :now
                 ORDER BY h.deliver_at, h.id
                 LIMIT :batch
                 FOR UPDATE SKIP LOCKED)
RETURNING i.id, i.user_id, i.push_seq, i.kind, i.title, i.event_ref, i.link, i.created_at
