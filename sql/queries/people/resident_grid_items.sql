-- The grid view's residents: flagged first, then stale (never verified, the longest ago), then newest.
SELECT r.id
FROM resident r
WHERE r.grid_code = ANY(:grids::text[]) AND r.community_code LIKE ANY(:patterns::text[]) AND r.moved_out_at IS NULL
ORDER BY (r.flag IS NULL), (r.verified_at IS NOT NULL AND r.verified_at >= :staleBefore::timestamptz), r.verified_at NULLS FIRST, r.id DESC
LIMIT :limit
