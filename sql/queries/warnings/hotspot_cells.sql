-- 新增热点: the events of the current window in the given H3 cells (hex) at res: their
-- communities (the warning's area) and first ids. Same filter as the hot-spot counts
-- (city, window, not voided), so the events listed are the ones counted.
SELECT to_hex(h3_cell_parent(e.h3_r12, :res)) AS cell, count(*)::integer AS n,
       array_agg(DISTINCT e.community_code) AS communities,
       (array_agg(e.id ORDER BY e.created_at, e.id))[1:CAST(:maxIds AS integer)] AS ids
FROM event e
WHERE e.created_at >= :from AND e.created_at < :to AND e.city_code = :city AND e.status <> 'voided'
  AND to_hex(h3_cell_parent(e.h3_r12, :res)) = ANY (CAST(:cells AS text[]))
GROUP BY 1
