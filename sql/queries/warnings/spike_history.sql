-- 类别突增, history: per earlier day of the same kind (its midnight in starts), street and big
-- class, the events created in the same part of the day as now ([midnight, midnight + elapsedMs)).
-- The outer range bounds let the month partitions be pruned.
WITH day AS (
  SELECT u.s, u.ord
  FROM unnest(CAST(:starts AS timestamptz[])) WITH ORDINALITY AS u(s, ord)
)
SELECT e.street_code AS street, left(e.class_code, 2) AS big, d.ord::integer AS ord, count(*)::integer AS n
FROM event e
JOIN day d ON e.created_at >= d.s AND e.created_at < d.s + make_interval(secs => CAST(:elapsedMs AS float8) / 1000)
WHERE e.city_code = :city AND e.created_at >= :minStart AND e.created_at < :maxEnd AND e.status <> 'voided'
  AND e.street_code = ANY (CAST(:streets AS text[]))
GROUP BY 1, 2, 3
