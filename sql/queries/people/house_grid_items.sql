-- The grid view's houses: stale ones first (never verified, then the longest ago), then newest.
SELECT h.id
FROM house h
WHERE h.grid_code = ANY(:grids::text[]) AND h.community_code LIKE ANY(:patterns::text[])
ORDER BY (h.verified_at IS NOT NULL AND h.verified_at >= :staleBefore::timestamptz), h.verified_at NULLS FIRST, h.id DESC
LIMIT :limit
