-- The descriptions of the events of [from, to) matching the filters, for word segmentation in Node (jieba, so both
-- engines give the same words). With keep set, a deterministic sample: an event is kept when its Fibonacci hash
-- (id × 40503, 40503 ≈ 2^16 / golden ratio, mod 2^16) is below keep, i.e. a share keep / 65536 of the events,
-- the same events on every call and on both engines (plain integer arithmetic, no engine hash function or random()).
-- Consecutive ids land far apart in [0, 65536), so the sample is spread evenly over time as well.
SELECT e.description
FROM event e
WHERE e.created_at >= :from AND e.created_at < :to
  AND analytics_event_matches(e.community_code, e.class_code, e.channel, e.demand_type, e.status,
        :patterns::text[], :area::text, :klass::text, :channels::text[], :demandTypes::text[], :statuses::text[])
  AND (:keep::integer IS NULL OR (e.id * 40503) % 65536 < :keep::integer)
