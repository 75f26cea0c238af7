-- Search: the admin divisions inside the caller's jurisdiction (a city has a few hundred), ranked
-- in the service (names are compared with typo tolerance there); no geometry read here.
SELECT code, name, level FROM admin_division
WHERE city_code = :city AND code LIKE ANY(:patterns::text[])
ORDER BY code
