-- Open data: demands per district, calendar month (Asia/Shanghai) and major class of one city,
-- over the months [from, to). Aggregates only; the caller suppresses small cells. Voided events
-- (作废) are left out. Names come from the public division and class tables.
SELECT to_char(e.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month,
  e.district_code, d.name AS district_name, left(e.class_code, 2) AS major, c.name AS major_name, count(*)::int AS demands
FROM event e
JOIN admin_division d ON d.code = e.district_code
LEFT JOIN event_class c ON c.code = left(e.class_code, 2)
WHERE e.city_code = :city AND e.created_at >= :from AND e.created_at < :to AND e.status <> 'voided'
GROUP BY 1, 2, 3, 4, 5
ORDER BY 1, 2, 4
