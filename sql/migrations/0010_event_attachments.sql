-- Event list (issue 4). Attachments need no schema change: event_attachment (0006) holds them.
--
-- The event list (GET /api/v1/events) pages newest first by (created_at, id). Without an index
-- leading on created_at each page would read and sort every row of the partitions in its window
-- (a city month is ~100k events); with it, each partition is walked backwards and the ordered
-- Append stops after `limit` rows. Created on the partitioned parent, so every monthly partition
-- (and those event_ensure_partitions() adds later) gets its own.
CREATE INDEX event_created_idx ON event (created_at, id);

