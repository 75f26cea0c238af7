-- One notice to its recipients, in the producer's transaction: the users named, the users of the
-- named roles whose jurisdiction covers the notice's area (none without an area), and the users subscribed to its kind
-- and area (only inside their own jurisdiction). Each row gets its deliver_at: now, or the end of
-- the recipient's quiet hours when now falls inside them (emergencies are never held), and says
-- whether it also goes out through the messaging gateway and to which address.
-- An admin code's jurisdiction prefix: city 4 digits, district 6, street 9, community 12
-- (server/db/jurisdiction.ts adminPrefix).
WITH prefixes AS (
  SELECT j.user_id,
         CASE WHEN substr(j.admin_code, 5) = '00000000' THEN left(j.admin_code, 4)
              WHEN substr(j.admin_code, 7) = '000000' THEN left(j.admin_code, 6)
              WHEN substr(j.admin_code, 10) = '000' THEN left(j.admin_code, 9)
              ELSE j.admin_code END AS prefix
    FROM user_jurisdiction j
), covering AS (
  SELECT DISTINCT user_id FROM prefixes WHERE CAST(:area AS text) LIKE prefix || '%'
), recipients AS (
  SELECT u.id FROM app_user u WHERE u.id = ANY(CAST(:userIds AS bigint[]))
  UNION
  SELECT u.id FROM app_user u
   WHERE u.role = ANY(CAST(:roles AS text[]))
     -- roles are always scoped: without an area they reach no one, never every city's users
     AND u.id IN (SELECT user_id FROM covering)
  UNION
  SELECT s.user_id FROM inbox_subscription s
   WHERE s.kind = :kind
     AND CASE WHEN CAST(:area AS text) IS NULL THEN s.area_code IS NULL
              ELSE s.user_id IN (SELECT user_id FROM covering)
                   AND (s.area_code IS NULL OR CAST(:area AS text) LIKE
                        CASE WHEN substr(s.area_code, 5) = '00000000' THEN left(s.area_code, 4)
                             WHEN substr(s.area_code, 7) = '000000' THEN left(s.area_code, 6)
                             WHEN substr(s.area_code, 10) = '000' THEN left(s.area_code, 9)
                             ELSE s.area_code END || '%') END
), timed AS (
  SELECT u.id AS user_id, u.city_code, coalesce(st.external_address, u.phone) AS address,
         EXISTS (SELECT 1 FROM inbox_subscription x WHERE x.user_id = u.id AND x.kind = :kind AND x.external) AS external,
         CASE WHEN :kind <> 'emergency' AND st.quiet_start IS NOT NULL AND (
                CASE WHEN st.quiet_start < st.quiet_end
                     THEN (CAST(:now AS timestamptz) AT TIME ZONE st.time_zone)::time >= st.quiet_start
                      AND (CAST(:now AS timestamptz) AT TIME ZONE st.time_zone)::time < st.quiet_end
                     ELSE (CAST(:now AS timestamptz) AT TIME ZONE st.time_zone)::time >= st.quiet_start
                       OR (CAST(:now AS timestamptz) AT TIME ZONE st.time_zone)::time < st.quiet_end END)
              -- the next quiet_end on the recipient's wall clock
              THEN (CASE WHEN (CAST(:now AS timestamptz) AT TIME ZONE st.time_zone)::time < st.quiet_end
                         THEN (CAST(:now AS timestamptz) AT TIME ZONE st.time_zone)::date
                         ELSE (CAST(:now AS timestamptz) AT TIME ZONE st.time_zone)::date + 1 END + st.quiet_end) AT TIME ZONE st.time_zone
              ELSE CAST(:now AS timestamptz) END AS deliver_at
    FROM recipients r
    JOIN app_user u ON u.id = r.id AND NOT u.disabled
    LEFT JOIN inbox_setting st ON st.user_id = u.id
), inserted AS (
  INSERT INTO inbox_item (user_id, kind, title, body, event_ref, area_code, link, data, created_at, deliver_at,
                          pushed_at, push_seq)
  SELECT t.user_id, :kind, :title, :body, :eventRef, :area, :link, CAST(:data AS jsonb), :now, t.deliver_at,
         -- told at once (by the caller's pg_notify, which fires at commit) unless held
         CASE WHEN t.deliver_at <= CAST(:now AS timestamptz) THEN CAST(:now AS timestamptz) END,
         CASE WHEN t.deliver_at <= CAST(:now AS timestamptz) THEN nextval('inbox_push_seq') END
    FROM timed t
  RETURNING id, user_id, deliver_at, pushed_at, push_seq
)
SELECT i.id, i.user_id, i.deliver_at, i.pushed_at, i.push_seq, t.external, t.address, t.city_code
  FROM inserted i JOIN timed t ON t.user_id = i.user_id
 ORDER BY i.id
