-- Events a member found (主动发现): reported by the member's user through the inspector app in
-- [from, to). created_at bounds the event partitions read.
SELECT count(*)::int AS n, coalesce(array_agg(e.number ORDER BY e.created_at) FILTER (WHERE e.number IS NOT NULL), '{}') AS numbers
FROM event e
WHERE e.reporter_user_id = :userId AND e.channel = 'inspector_app' AND e.created_at >= :from AND e.created_at < :to
