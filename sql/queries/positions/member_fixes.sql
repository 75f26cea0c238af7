-- A member's fixes in [from, to), in time order: for each device the member carried, one
-- range of position's primary key (city_code, device_id, fixed_at), in the month partitions
-- the window touches only (fixed_at is bound, so the planner prunes the others). The member
-- at the fix (position.member_id) decides: a device that changed hands within the window
-- contributes only the fixes its member carried. Valid fixes only unless `all`.
-- `limit` is one more than the caller accepts, so it can tell "too many" from "exactly enough".
SELECT p.device_id, (extract(epoch FROM p.fixed_at) * 1000)::float8 AS t, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
       p.speed, p.altitude, p.accuracy, p.filter
FROM position p
WHERE p.city_code = :city
  AND p.device_id = ANY (:devices::bigint[])
  AND p.fixed_at >= :from AND p.fixed_at < :to
  AND p.member_id = :member
  AND (:all::boolean OR p.filter IS NULL)
ORDER BY p.fixed_at, p.device_id
LIMIT :limit
