-- 身份证到期提醒: current residents of the rule's city whose card expires between today and
-- withinDays from today. One task per person and card date (the period), so a renewed card with
-- a later date makes a new task when it nears, and a second run today makes none.
INSERT INTO proactive_task (city_code, rule_id, rule_version, kind, resident_id, period_key, community_code, grid_code, due_on, detail)
SELECT r.city_code, :ruleId, :version, 'id_card_expiry', r.id, to_char(r.id_card_valid_until, 'YYYY-MM-DD'),
       r.community_code, r.grid_code, r.id_card_valid_until,
       jsonb_build_object('validUntil', to_char(r.id_card_valid_until, 'YYYY-MM-DD'))
FROM resident r
WHERE r.city_code = :city
  AND r.moved_out_at IS NULL
  AND r.id_card_valid_until >= :today::date
  AND r.id_card_valid_until <= :today::date + :withinDays::int
ON CONFLICT (rule_id, resident_id, period_key) DO NOTHING
RETURNING id, grid_code, community_code
