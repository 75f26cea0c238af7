-- 类别突增, today: events per street and big class (2-digit class) created since Shanghai
-- midnight, with their centroid and first ids (voided reports are not counted).
SELECT e.street_code AS street, left(e.class_code, 2) AS big, count(*)::integer AS n,
       ST_X(ST_Centroid(ST_Collect(e.geom))) AS lon, ST_Y(ST_Centroid(ST_Collect(e.geom))) AS lat,
       (array_agg(e.id ORDER BY e.created_at, e.id))[1:CAST(:maxIds AS integer)] AS ids
FROM event e
WHERE e.city_code = :city AND e.created_at >= :from AND e.created_at < :to AND e.status <> 'voided'
GROUP BY 1, 2
HAVING count(*) >= :minCount
ORDER BY 1, 2
