-- 独居老人走访: the only current resident of a household (as the utility-usage rule counts it),
-- aged minAge or more today, whose last visit (resident_visit, Beijing day) lies intervalDays or
-- more back. The period is the day the visit fell due, so a done task's visit moves the next
-- period on and a second run makes nothing; someone never visited is due at once (period never).
WITH lone AS (
  SELECT r.id, r.city_code, r.community_code, r.grid_code
  FROM resident r
  WHERE r.city_code = :city
    AND r.moved_out_at IS NULL
    AND r.household_id IS NOT NULL
    AND r.birth_date <= (:today::date - make_interval(years => :minAge::int))::date
    AND NOT EXISTS (SELECT 1 FROM resident o
                    WHERE o.household_id = r.household_id AND o.id <> r.id AND o.moved_out_at IS NULL)
), due AS (
  SELECT l.*, v.last_visit, v.last_visit + :intervalDays::int AS due_on
  FROM lone l
  LEFT JOIN LATERAL (SELECT max((rv.visited_at AT TIME ZONE 'Asia/Shanghai')::date) AS last_visit
                     FROM resident_visit rv WHERE rv.resident_id = l.id) v ON true
)
INSERT INTO proactive_task (city_code, rule_id, rule_version, kind, resident_id, period_key, community_code, grid_code, due_on, detail)
SELECT d.city_code, :ruleId, :version, 'lone_elderly_visit', d.id, coalesce(to_char(d.due_on, 'YYYY-MM-DD'), 'never'),
       d.community_code, d.grid_code, coalesce(d.due_on, :today::date),
       jsonb_build_object('lastVisit', to_char(d.last_visit, 'YYYY-MM-DD'))
FROM due d
WHERE d.due_on IS NULL OR d.due_on <= :today::date
ON CONFLICT (rule_id, resident_id, period_key) DO NOTHING
RETURNING id, grid_code, community_code
