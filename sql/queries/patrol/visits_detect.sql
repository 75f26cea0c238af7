-- Visits of the given tasks, from the day's valid fixes of the task member's devices.
--
-- Why in SQL: the point-in-target tests (ST_DWithin on geography for a checkpoint radius,
-- ST_Intersects for a grid polygon) and the run detection (gaps and islands over the fixes in
-- time order) are one set-based pass per batch of tasks, next to the data; Node would fetch
-- every fix × target pair. A run ends at a fix outside the target or at a gap longer than
-- gapSeconds (the device was silent: nobody knows where it was); a run lasting at least the
-- template's minimum, from its first to its last fix inside, is a visit.
WITH t AS (
  SELECT k.id AS task_id, k.member_id, tp.id AS template_id, tp.target_kind, tp.grid_codes, tp.min_minutes,
         k.day::timestamp AT TIME ZONE 'Asia/Shanghai' AS day_start,
         (k.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS day_end
  FROM patrol_task k JOIN patrol_template tp ON tp.id = k.template_id
  WHERE k.id = ANY(CAST(:taskIds AS bigint[]))
),
targets AS (
  SELECT t.task_id, c.id AS checkpoint_id, NULL::varchar(20) AS grid_code, c.geom, c.radius_m,
         -- the radius in degrees of longitude, generously: a fix farther than this is outside
         -- without the (costly) distance on the spheroid
         c.radius_m / (110000 * cos(radians(ST_Y(c.geom)))) AS radius_deg
  FROM t JOIN patrol_checkpoint c ON c.template_id = t.template_id
  WHERE t.target_kind = 'checkpoint'
  UNION ALL
  SELECT t.task_id, NULL, g.code, g.geom, NULL, NULL
  FROM t JOIN grid g ON g.code = ANY (t.grid_codes) AND g.valid_to IS NULL
  WHERE t.target_kind = 'grid'
),
-- the devices the member carried that day, each over the part of the day it was carried
fixes AS MATERIALIZED (
  SELECT DISTINCT ON (t.task_id, p.fixed_at) t.task_id, p.fixed_at, p.geom
  FROM t
  JOIN device_binding b ON b.member_id = t.member_id AND b.valid_from < t.day_end AND (b.valid_to IS NULL OR b.valid_to > t.day_start)
  JOIN device d ON d.id = b.device_id
  JOIN position p ON p.city_code = d.city_code AND p.device_id = b.device_id
   AND p.fixed_at >= t.day_start AND p.fixed_at < t.day_end
   AND p.fixed_at >= b.valid_from AND (b.valid_to IS NULL OR p.fixed_at < b.valid_to)
  WHERE p.filter IS NULL AND p.member_id = t.member_id
  ORDER BY t.task_id, p.fixed_at
),
marked AS (
  SELECT f.task_id, x.checkpoint_id, x.grid_code, f.fixed_at,
         CASE WHEN x.checkpoint_id IS NULL THEN ST_Intersects(x.geom, f.geom)
              WHEN NOT ST_DWithin(f.geom, x.geom, x.radius_deg) THEN false
              ELSE ST_DWithin(f.geom::geography, x.geom::geography, x.radius_m) END AS inside
  -- target by target (LATERAL): consecutive tests share one target geometry, which PostGIS
  -- then prepares once instead of re-reading a grid polygon per fix
  FROM targets x CROSS JOIN LATERAL (SELECT * FROM fixes WHERE fixes.task_id = x.task_id) f
),
breaks AS (
  SELECT m.*,
         CASE WHEN m.inside IS DISTINCT FROM lag(m.inside) OVER w
                OR m.fixed_at - lag(m.fixed_at) OVER w > make_interval(secs => :gapSeconds) THEN 1 ELSE 0 END AS brk
  FROM marked m
  WINDOW w AS (PARTITION BY m.task_id, m.checkpoint_id, m.grid_code ORDER BY m.fixed_at)
),
runs AS (
  SELECT b.*, sum(b.brk) OVER (PARTITION BY b.task_id, b.checkpoint_id, b.grid_code ORDER BY b.fixed_at) AS run
  FROM breaks b
)
SELECT r.task_id, CASE WHEN r.checkpoint_id IS NULL THEN 'grid' ELSE 'checkpoint' END AS target_kind,
       r.checkpoint_id, r.grid_code, min(r.fixed_at) AS started_at, max(r.fixed_at) AS ended_at, count(*)::int AS fixes
FROM runs r JOIN t ON t.task_id = r.task_id
WHERE r.inside
GROUP BY r.task_id, r.checkpoint_id, r.grid_code, r.run, t.min_minutes
HAVING max(r.fixed_at) - min(r.fixed_at) >= make_interval(secs => t.min_minutes * 60)
ORDER BY r.task_id, min(r.fixed_at)
