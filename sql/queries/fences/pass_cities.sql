-- Cities with an active fence whose rules the clock alone can trigger (dwell or absence).
SELECT DISTINCT f.city_code
FROM fence f
WHERE f.active AND (f.rules->>'dwellMinutes' IS NOT NULL OR f.rules->>'absentMinutes' IS NOT NULL)
ORDER BY f.city_code
