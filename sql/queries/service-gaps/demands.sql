-- Demands (events) of the year checked per community and small class, for the classes related to
-- the services; duplicates voided as such are not demands. created_at is bounded on both sides so
-- the monthly partitions are pruned.
SELECT e.community_code, e.class_code, count(*)::integer AS n
FROM event e
WHERE e.created_at >= :lo AND e.created_at < :hi
  AND e.community_code = ANY(:codes::text[]) AND e.community_code LIKE ANY(:patterns::text[])
  AND e.class_code = ANY(:classes::text[]) AND e.status <> 'voided'
GROUP BY 1, 2
