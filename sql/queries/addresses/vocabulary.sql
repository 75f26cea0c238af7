-- The road and estate names of one city, for fuzzy name resolution in the service (no pg_trgm
-- on PGlite, see 0005_addresses.sql). A few hundred names, read once per cache period.
SELECT 'road' AS kind, road AS name, count(*)::int AS rows
FROM std_address
WHERE city_code = ? AND road IS NOT NULL
GROUP BY road
UNION ALL
SELECT 'estate' AS kind, estate AS name, count(*)::int AS rows
FROM std_address
WHERE city_code = ? AND estate IS NOT NULL
GROUP BY estate
ORDER BY kind, name
