-- Events per street, big class (2-digit class group) and Shanghai day in [lo, hi) of one city: the
-- histories (and today's count so far) the forecast warning compares. Bounded on both sides so the
-- monthly partitions are pruned.
SELECT e.street_code::text AS street, left(e.class_code, 2) AS big,
  to_char(e.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*)::integer AS n
FROM event e
WHERE e.city_code = :city AND e.created_at >= :lo AND e.created_at < :hi
GROUP BY 1, 2, 3
