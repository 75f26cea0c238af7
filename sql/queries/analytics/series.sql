-- Events per calendar period (day, ISO week or month in Asia/Shanghai), optionally per group, in one
-- statement. Every period from the one holding lo to the one before hi is present (generate_series),
-- an empty period as one row with a null group and n = 0; the caller widens lo and hi to whole periods
-- and reaches one year further back so year-on-year and previous-period values come from the same scan.
-- date_trunc('week', …) starts ISO weeks on Monday; AT TIME ZONE gives Shanghai wall-clock time.
-- The group is chosen with CASE over a bound value: the column never comes from the request text.
-- created_at is bounded on both sides so the monthly partitions are pruned.
WITH periods AS (
  SELECT generate_series(
    date_trunc(:unit::text, :lo::timestamptz AT TIME ZONE 'Asia/Shanghai'),
    date_trunc(:unit::text, (:hi::timestamptz - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai'),
    ('1 ' || :unit::text)::interval) AS start
), counted AS (
  SELECT date_trunc(:unit::text, e.created_at AT TIME ZONE 'Asia/Shanghai') AS start,
    CASE :by::text WHEN 'class' THEN e.class_code::text WHEN 'channel' THEN e.channel WHEN 'status' THEN e.status
      WHEN 'district' THEN e.district_code::text WHEN 'street' THEN e.street_code::text
      WHEN 'community' THEN e.community_code::text END AS grp,
    count(*)::integer AS n
  FROM event e
  WHERE e.created_at >= :lo AND e.created_at < :hi
    AND analytics_event_matches(e.community_code, e.class_code, e.channel, e.demand_type, e.status,
          :patterns::text[], :area::text, :klass::text, :channels::text[], :demandTypes::text[], :statuses::text[])
  GROUP BY 1, 2
)
SELECT to_char(p.start, 'YYYY-MM-DD') AS start, c.grp, coalesce(c.n, 0)::integer AS n
FROM periods p LEFT JOIN counted c ON c.start = p.start
ORDER BY p.start
