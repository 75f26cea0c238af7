-- The grid view's figures for residents living in these base grids (moved-out ones left out).
SELECT count(*)::int AS total,
       count(*) FILTER (WHERE r.verified_at IS NULL OR r.verified_at < :staleBefore::timestamptz)::int AS stale
FROM resident r
WHERE r.grid_code = ANY(:grids::text[]) AND r.community_code LIKE ANY(:patterns::text[]) AND r.moved_out_at IS NULL
