-- Names of the city's admin divisions: candidates are scored against the district, street and
-- community names the input gives, looked up by the candidate's community code.
SELECT code, level, name
FROM admin_division
WHERE city_code = ?
ORDER BY code
