-- Events per community, small class and Shanghai calendar day in [lo, hi) inside a jurisdiction:
-- the histories of every community × class forecast in one scan (the bench, the warning check).
SELECT e.community_code::text AS community, e.class_code::text AS klass,
  to_char(e.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*)::integer AS n
FROM event e
WHERE e.created_at >= :lo AND e.created_at < :hi AND e.community_code LIKE ANY (:patterns::text[])
GROUP BY 1, 2, 3
