-- 临期: open events (dispatched, signed, handling: the handling clock runs) whose handling
-- deadline falls in (now, until], not yet warned about (the partial index of 0022 serves it).
SELECT e.id, e.number, e.community_code, e.class_code, e.handle_due_at, ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat
FROM event e
WHERE e.status IN ('dispatched', 'signed', 'handling') AND e.city_code = :city
  AND e.handle_due_at > :now AND e.handle_due_at <= :until
  AND NOT EXISTS (
    SELECT 1 FROM warning w
    WHERE w.city_code = :city AND w.kind = 'near_deadline' AND w.dedupe_key = 'event:' || e.id
  )
ORDER BY e.handle_due_at, e.id
