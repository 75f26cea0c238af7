-- How many events of [from, to) match the filters: hot-word counting reads every description when there are
-- at most its cap of them, else a sample (hot_word_texts.sql), and this number decides which.
-- created_at is bounded on both sides so the monthly partitions are pruned.
SELECT count(*)::integer AS n
FROM event e
WHERE e.created_at >= :from AND e.created_at < :to
  AND analytics_event_matches(e.community_code, e.class_code, e.channel, e.demand_type, e.status,
        :patterns::text[], :area::text, :klass::text, :channels::text[], :demandTypes::text[], :statuses::text[])
