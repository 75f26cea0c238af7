-- Computes and stores the data quality of every current base grid of an area (一格一档). Each
-- part is a share from 0 to 1 of the grid's records that are fresh (verified, or for components
-- updated, within fresh_days) and complete (the fields a record needs to be of use):
--   houses       fresh, and complete = located and linked to a standard address
--   residents    (living there) fresh, and complete = linked to a house and with a phone
--   households   complete = with a head
--   places, special_groups (current)   fresh
--   components   fresh (updated)
--   addresses    1 when the grid holds a doorplate (level 50), else 0
--   members      half for an active primary member, half for that member's phone
-- A part without rows is left out; the score is 100 × the mean of the parts present × (1 − the
-- share of duplicated houses: several houses on one standard address with the same building, unit
-- and room; places are unique by name in a community already). Bindings: area (LIKE pattern),
-- fresh_days.
WITH g AS (
  SELECT code, city_code, community_code, geom FROM grid
  WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE :area
), cutoff AS (
  SELECT now() - CAST(:fresh_days AS integer) * interval '1 day' AS t
), houses AS (
  SELECT h.grid_code, count(*) AS n, count(*) FILTER (WHERE h.verified_at >= cutoff.t) AS fresh,
    count(*) FILTER (WHERE h.geom IS NOT NULL AND h.address_id IS NOT NULL) AS complete,
    count(h.address_id) - count(DISTINCT (h.address_id, coalesce(h.building, ''), coalesce(h.unit, ''), coalesce(h.room, '')))
      FILTER (WHERE h.address_id IS NOT NULL) AS dup
  FROM house h CROSS JOIN cutoff
  WHERE h.community_code LIKE :area AND h.status <> 'demolished'
  GROUP BY h.grid_code
), residents AS (
  SELECT r.grid_code, count(*) AS n, count(*) FILTER (WHERE r.verified_at >= cutoff.t) AS fresh,
    count(*) FILTER (WHERE r.house_id IS NOT NULL AND r.phone IS NOT NULL) AS complete
  FROM resident r CROSS JOIN cutoff
  WHERE r.community_code LIKE :area AND r.moved_out_at IS NULL
  GROUP BY r.grid_code
), households AS (
  SELECT hh.grid_code, count(*) AS n, count(*) FILTER (WHERE hh.head_resident_id IS NOT NULL) AS complete
  FROM household hh WHERE hh.community_code LIKE :area
  GROUP BY hh.grid_code
), places AS (
  SELECT p.grid_code, count(*) AS n, count(*) FILTER (WHERE p.verified_at >= cutoff.t) AS fresh
  FROM place p CROSS JOIN cutoff WHERE p.community_code LIKE :area
  GROUP BY p.grid_code
), special AS (
  SELECT s.grid_code, count(*) AS n, count(*) FILTER (WHERE s.verified_at >= cutoff.t) AS fresh
  FROM special_group s CROSS JOIN cutoff
  WHERE s.community_code LIKE :area AND (s.until IS NULL OR s.until > now())
  GROUP BY s.grid_code
), components AS (
  SELECT c.grid_code, count(*) AS n, count(*) FILTER (WHERE c.updated_at >= cutoff.t) AS fresh
  FROM component c CROSS JOIN cutoff WHERE c.community_code LIKE :area
  GROUP BY c.grid_code
), doorplates AS (
  SELECT g.code AS grid_code, EXISTS (
    SELECT 1 FROM std_address a WHERE a.level = 50 AND a.geom && g.geom AND ST_Intersects(a.geom, g.geom)) AS any
  FROM g
), members AS (
  SELECT a.grid_code, bool_or(m.id IS NOT NULL) AS primary_member,
    bool_or(m.phone IS NOT NULL AND length(btrim(m.phone)) > 0) AS phone
  FROM grid_assignment a JOIN grid_member m ON m.id = a.member_id AND m.active
  WHERE a.valid_to IS NULL AND a.is_primary
  GROUP BY a.grid_code
), parts AS (
  SELECT g.code, g.city_code, g.community_code,
    jsonb_strip_nulls(jsonb_build_object(
      'houses', CASE WHEN h.n > 0 THEN jsonb_build_object('rows', h.n, 'fresh', h.fresh, 'complete', h.complete, 'share', (h.fresh + h.complete)::float8 / (2 * h.n)) END,
      'residents', CASE WHEN r.n > 0 THEN jsonb_build_object('rows', r.n, 'fresh', r.fresh, 'complete', r.complete, 'share', (r.fresh + r.complete)::float8 / (2 * r.n)) END,
      'households', CASE WHEN hh.n > 0 THEN jsonb_build_object('rows', hh.n, 'complete', hh.complete, 'share', hh.complete::float8 / hh.n) END,
      'places', CASE WHEN p.n > 0 THEN jsonb_build_object('rows', p.n, 'fresh', p.fresh, 'share', p.fresh::float8 / p.n) END,
      'special_groups', CASE WHEN s.n > 0 THEN jsonb_build_object('rows', s.n, 'fresh', s.fresh, 'share', s.fresh::float8 / s.n) END,
      'components', CASE WHEN c.n > 0 THEN jsonb_build_object('rows', c.n, 'fresh', c.fresh, 'share', c.fresh::float8 / c.n) END,
      'addresses', jsonb_build_object('share', CASE WHEN d.any THEN 1 ELSE 0 END),
      'members', jsonb_build_object('primary', coalesce(m.primary_member, false), 'phone', coalesce(m.phone, false),
        'share', ((CASE WHEN m.primary_member THEN 1 ELSE 0 END) + (CASE WHEN m.phone THEN 1 ELSE 0 END))::float8 / 2)
    )) AS parts,
    coalesce(h.n - h.fresh, 0) + coalesce(r.n - r.fresh, 0) + coalesce(p.n - p.fresh, 0) + coalesce(s.n - s.fresh, 0)
      + coalesce(c.n - c.fresh, 0) AS stale,
    coalesce(h.dup, 0) AS duplicates,
    coalesce(h.n, 0) AS dup_base
  FROM g
  LEFT JOIN houses h ON h.grid_code = g.code
  LEFT JOIN residents r ON r.grid_code = g.code
  LEFT JOIN households hh ON hh.grid_code = g.code
  LEFT JOIN places p ON p.grid_code = g.code
  LEFT JOIN special s ON s.grid_code = g.code
  LEFT JOIN components c ON c.grid_code = g.code
  LEFT JOIN doorplates d ON d.grid_code = g.code
  LEFT JOIN members m ON m.grid_code = g.code
), scored AS (
  SELECT p.*, round((100 * (SELECT avg((v ->> 'share')::float8) FROM jsonb_each(p.parts) AS e(k, v))
    * (1 - p.duplicates::float8 / greatest(p.dup_base, 1)))::numeric, 1) AS score
  FROM parts p
)
INSERT INTO grid_data_quality AS q (grid_code, city_code, community_code, score, parts, stale, duplicates, computed_at)
SELECT code, city_code, community_code, greatest(score, 0), parts, stale, duplicates, now() FROM scored
ON CONFLICT (grid_code) DO UPDATE SET city_code = EXCLUDED.city_code, community_code = EXCLUDED.community_code,
  score = EXCLUDED.score, parts = EXCLUDED.parts, stale = EXCLUDED.stale, duplicates = EXCLUDED.duplicates, computed_at = EXCLUDED.computed_at
RETURNING grid_code
