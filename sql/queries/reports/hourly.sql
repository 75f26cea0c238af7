-- Events per hour of a daily report: hour 0-23 of the day starting at the window start (a Shanghai midnight),
-- and -24..-1 for the day before (环比 per hour), with the shared analytics filter. created_at is
-- bounded on both sides so the month partitions are pruned.
SELECT floor(extract(epoch FROM (e.created_at - :from::timestamptz)) / 3600)::integer AS hour, count(*)::integer AS n
FROM event e
WHERE e.created_at >= :before::timestamptz AND e.created_at < :to::timestamptz
  AND analytics_event_matches(e.community_code, e.class_code, e.channel, e.demand_type, e.status,
        :patterns::text[], :area::text, NULL::text, NULL::text[], NULL::text[], NULL::text[])
GROUP BY 1
ORDER BY 1
