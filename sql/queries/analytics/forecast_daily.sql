-- Events per Shanghai calendar day in [lo, hi) for one area and class filter: the history a
-- forecast is fitted to. Only days with events come back; the caller lays out the empty ones.
-- created_at is bounded on both sides so the monthly partitions are pruned.
SELECT to_char(e.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*)::integer AS n
FROM event e
WHERE e.created_at >= :lo AND e.created_at < :hi
  AND analytics_event_matches(e.community_code, e.class_code, e.channel, e.demand_type, e.status,
        :patterns::text[], :area::text, :klass::text, NULL, NULL, NULL)
GROUP BY 1
