-- Service gaps, round two (issue 20 item 3): the facilities of the yearly check get a capacity,
-- weighed by the two-step floating catchment area method (server/service-gaps/fca.ts), and each
-- service's walking reach, whom it serves, its demand classes and thresholds become versioned
-- configuration (kind service_kinds, server/config/kinds.ts) instead of constants in the code.

-- What a place can take: beds of elderly care, spaces of a car park, physicians of a clinic,
-- sales floor (m²) of a convenience store; the unit is the service's configuration (capacityUnit).
-- NULL: not known; such a facility still counts for reach but not for capacity.
ALTER TABLE place ADD COLUMN capacity integer CHECK (capacity BETWEEN 0 AND 1000000);

-- Demo values for the facilities a database already holds (the fixtures draw their own): a spread
-- per kind, fixed by the row's id so every run of this migration gives the same.
UPDATE place SET capacity = CASE kind
    WHEN 'elderly_care' THEN 10 + mod(abs(hashtext('capacity' || id::text)), 71)
    WHEN 'parking' THEN 30 + mod(abs(hashtext('capacity' || id::text)), 271)
    WHEN 'clinic' THEN 1 + mod(abs(hashtext('capacity' || id::text)), 8)
    ELSE 60 + mod(abs(hashtext('capacity' || id::text)), 241) END
WHERE kind IN ('elderly_care', 'parking', 'clinic', 'convenience_store') AND capacity IS NULL;

-- The first versions: what the code held (server/service-gaps/kinds.ts before this), in force
-- since 2000. Reach: the 15-minute community life circle (GB 50180, about 1,000 m). Capacity
-- standards per 1,000 served: elderly care 35 beds per 1,000 residents of 60 and over (the
-- national 14th five-year target band), clinics 0.4 physicians (4 general practitioners per
-- 10,000), car parks and stores this city's reading.
INSERT INTO config_version (kind, key, effective_from, body, reason, created_by_name)
SELECT 'service_kinds', k.key, '2000-01-01T00:00:00Z', k.body::jsonb, '初始配置：由迁移 0073 自代码中的默认值导入', '系统'
FROM (VALUES
  ('convenience_store', '{"name": "便利店", "serves": "all", "reachM": 1000, "demandClasses": ["0501", "0504"], "minShare": 0.8, "capacityUnit": "营业面积（平方米）", "minAccessPer1000": 50}'),
  ('parking', '{"name": "停车场", "serves": "all", "reachM": 1000, "demandClasses": ["0505", "0506"], "minShare": 0.8, "capacityUnit": "车位", "minAccessPer1000": 100}'),
  ('elderly_care', '{"name": "养老服务", "serves": "elderly", "reachM": 1000, "demandClasses": ["0603", "9901"], "minShare": 0.8, "capacityUnit": "床位", "minAccessPer1000": 35}'),
  ('clinic', '{"name": "社区卫生服务站/诊所", "serves": "all", "reachM": 1000, "demandClasses": ["9901"], "minShare": 0.8, "capacityUnit": "执业医师", "minAccessPer1000": 0.4}')
) AS k(key, body)
WHERE NOT EXISTS (SELECT 1 FROM config_version v WHERE v.kind = 'service_kinds' AND v.key = k.key);
