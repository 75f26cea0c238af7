-- Events per H3 cell and time step, in one statement: the parent of the stored res-12 cell by bit arithmetic
-- (h3_cell_parent) and the step by width_bucket over the step boundaries (bounds, ascending, steps + 1 of them;
-- step i is [bounds[i], bounds[i+1]), numbered from 0). created_at is bounded on both sides so the monthly
-- partitions are pruned. Null criteria are "any"; the jurisdiction patterns always apply (empty: nothing).
SELECT to_hex(h3_cell_parent(e.h3_r12, :res)) AS cell,
  width_bucket(e.created_at, :bounds::timestamptz[]) - 1 AS step, count(*)::integer AS n
FROM event e
WHERE e.created_at >= :from AND e.created_at < :to
  AND analytics_event_matches(e.community_code, e.class_code, e.channel, e.demand_type, e.status,
        :patterns::text[], :area::text, :klass::text, :channels::text[], :demandTypes::text[], :statuses::text[])
GROUP BY 1, 2
