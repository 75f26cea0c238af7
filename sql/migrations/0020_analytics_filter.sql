-- The event filter every analytics query shares (heatmap, hot spots, emerging hot spots, series,
-- indicators), written once: the caller's jurisdiction (LIKE patterns, always), an optional
-- area (admin-code prefix pattern), class prefix pattern, and channel / demand type / status
-- lists; NULL means "any". The time window stays in each query, next to created_at, so the month
-- partitions are pruned. A single-expression SQL function: the planner inlines it, so the
-- community_code index and the partition pruning see the same predicate as if written out.
CREATE FUNCTION analytics_event_matches(community_code text, class_code text, channel text, demand_type text, status text,
  patterns text[], area text, klass text, channels text[], demand_types text[], statuses text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT community_code LIKE ANY (patterns)
     AND (area IS NULL OR community_code LIKE area)
     AND (klass IS NULL OR class_code LIKE klass)
     AND (channels IS NULL OR channel = ANY (channels))
     AND (demand_types IS NULL OR demand_type = ANY (demand_types))
     AND (statuses IS NULL OR status = ANY (statuses))
$$;
