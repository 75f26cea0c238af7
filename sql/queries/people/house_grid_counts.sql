-- The grid view's figures for houses: how many lie in these base grids, and how many of them
-- were not verified since the stale cutoff.
SELECT count(*)::int AS total,
       count(*) FILTER (WHERE h.verified_at IS NULL OR h.verified_at < :staleBefore::timestamptz)::int AS stale
FROM house h
WHERE h.grid_code = ANY(:grids::text[]) AND h.community_code LIKE ANY(:patterns::text[])
