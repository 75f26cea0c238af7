-- The city's level-40 rows (a road within one community, one per road and community it
-- crosses): a few hundred, held in memory with the vocabulary, so a road named without a
-- (known) house number matches without a query.
SELECT a.id::int AS id, a.level, a.full_address, a.community_code, a.road, a.house_number, a.estate,
       a.building, a.unit, a.room, a.house_key, a.building_key, a.unit_key, a.room_key,
       ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat
FROM std_address a
WHERE a.city_code = ? AND a.level = 40 AND a.road IS NOT NULL
ORDER BY a.id
