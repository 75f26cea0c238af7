-- 适龄入学提醒: current residents who reach the school age by the coming school year's cutoff day
-- (enrol) and had not reached it by the year before's, i.e. born in (enrol − age − 1 years,
-- enrol − age years]. One task per child and school year.
INSERT INTO proactive_task (city_code, rule_id, rule_version, kind, resident_id, period_key, community_code, grid_code, due_on, detail)
SELECT r.city_code, :ruleId, :version, 'school_age', r.id, to_char(:enrol::date, 'YYYY'),
       r.community_code, r.grid_code, :enrol::date,
       jsonb_build_object('schoolYear', to_char(:enrol::date, 'YYYY'), 'birthDate', to_char(r.birth_date, 'YYYY-MM-DD'))
FROM resident r
WHERE r.city_code = :city
  AND r.moved_out_at IS NULL
  AND r.birth_date <= (:enrol::date - make_interval(years => :age::int))::date
  AND r.birth_date > (:enrol::date - make_interval(years => :age::int + 1))::date
ON CONFLICT (rule_id, resident_id, period_key) DO NOTHING
RETURNING id, grid_code, community_code
