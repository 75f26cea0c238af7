-- 重复诉求: reporters (the signed-in user, else the phone with its digits only) with at least
-- minEvents demands created in (since, now] and no repeat warning in that window yet. The
-- phone is never stored with the warning: the subject is 'u:<user id>' or 'p:' || md5(digits),
-- and the only trace of the number is its mask, made from phone_digits (the latest number of
-- 11+ digits; shorter ones are not shown) by the one masking rule (server/privacy/fields.ts).
WITH ev AS (
  SELECT e.id, e.number, e.created_at, e.community_code, e.geom,
         regexp_replace(coalesce(e.reporter_phone, ''), '[^0-9]', '', 'g') AS digits,
         CASE WHEN e.reporter_user_id IS NOT NULL THEN 'u:' || e.reporter_user_id
              WHEN regexp_replace(coalesce(e.reporter_phone, ''), '[^0-9]', '', 'g') <> ''
                THEN 'p:' || md5(regexp_replace(e.reporter_phone, '[^0-9]', '', 'g')) END AS subject
  FROM event e
  WHERE e.city_code = :city AND e.created_at > :since AND e.created_at <= :now AND e.status <> 'voided'
    AND (e.reporter_user_id IS NOT NULL OR e.reporter_phone IS NOT NULL)
), grouped AS (
  SELECT ev.subject, count(*)::integer AS n,
         array_agg(ev.id ORDER BY ev.created_at, ev.id) AS ids,
         array_agg(ev.number ORDER BY ev.created_at, ev.id) AS numbers,
         array_agg(DISTINCT ev.community_code) AS communities,
         ST_X(ST_Centroid(ST_Collect(ev.geom))) AS lon, ST_Y(ST_Centroid(ST_Collect(ev.geom))) AS lat,
         (array_agg(ev.digits ORDER BY ev.created_at DESC) FILTER (WHERE length(ev.digits) >= 11))[1] AS digits
  FROM ev
  WHERE ev.subject IS NOT NULL
  GROUP BY ev.subject
  HAVING count(*) >= :minEvents
)
SELECT g.subject, g.n, g.ids, g.numbers, g.communities, g.lon, g.lat,
       g.digits AS phone_digits
FROM grouped g
WHERE NOT EXISTS (
  SELECT 1 FROM warning w
  WHERE w.city_code = :city AND w.kind = 'repeat_reporter' AND w.subject = g.subject AND w.raised_at > :since
)
ORDER BY g.ids[1]
