-- The imported months to judge, with the three months before each, whether the household is a
-- lone elderly resident's (one current resident, aged elderlyAge (rule.ts) or more on the month's first
-- day) and where it is (community and grid, for the inspector and the jurisdiction).
SELECT u.id, u.household_id, u.utility, u.month::text AS month, u.amount::float8 AS amount,
       ARRAY(SELECT (SELECT p.amount::float8 FROM utility_usage p
                     WHERE p.household_id = u.household_id AND p.utility = u.utility
                       AND p.month = (u.month - make_interval(months => g))::date)
             FROM generate_series(3, 1, -1) AS g) AS previous,
       h.community_code, h.grid_code, h.city_code,
       coalesce((SELECT count(*) = 1 AND bool_and(r.birth_date <= (u.month - make_interval(years => :elderlyAge::int))::date)
                 FROM resident r WHERE r.household_id = h.id AND r.moved_out_at IS NULL), false) AS lone_elderly
FROM utility_usage u
JOIN household h ON h.id = u.household_id
WHERE u.id = ANY(:ids::bigint[])
