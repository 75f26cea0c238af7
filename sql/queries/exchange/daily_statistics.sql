-- One city's counts of one day in Asia/Shanghai, per district and major class (first two digits
-- of the class code): events reported that day, closed that day, and of those closed after their
-- handling deadline. Voided events (作废) count nowhere. The day's bounds are computed once so
-- the reported half prunes to one monthly partition of event.
WITH bounds AS (
  SELECT (CAST(:day AS date)::timestamp AT TIME ZONE 'Asia/Shanghai') AS t0,
         ((CAST(:day AS date) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS t1
), counted AS (
  SELECT e.district_code, left(e.class_code, 2) AS major, 1 AS reported, 0 AS closed, 0 AS closed_overdue
  FROM event e, bounds b
  WHERE e.city_code = :city AND e.created_at >= b.t0 AND e.created_at < b.t1 AND e.status <> 'voided'
  UNION ALL
  SELECT e.district_code, left(e.class_code, 2), 0, 1, CASE WHEN e.closed_at > e.handle_due_at THEN 1 ELSE 0 END
  FROM event e, bounds b
  WHERE e.city_code = :city AND e.closed_at >= b.t0 AND e.closed_at < b.t1 AND e.status <> 'voided'
)
SELECT district_code, major, sum(reported)::int AS reported, sum(closed)::int AS closed, sum(closed_overdue)::int AS closed_overdue
FROM counted
GROUP BY district_code, major
ORDER BY district_code, major
