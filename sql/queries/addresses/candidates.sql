-- Candidate doorplates, buildings and rooms for a whole batch of inputs in one round trip. The
-- service has already turned every input into exact probes (fuzzy name resolution happened
-- against the vocabulary, and level-40 road rows are held with it), so each branch is an index
-- probe:
--   1. doorplates and what lies behind them by (road, house key) → std_address_road_house_key_idx
--   2. buildings and their rooms by (estate, building key)       → std_address_estate_building_key_idx
--   3. the buildings (level 50) of estates named without a building → same index, leading columns
-- Probes are deduplicated first; a row reached twice is deduplicated by the caller.
-- Bindings: city, road[], house_key[], estate[], building_key[], estate[] (named alone).
WITH city AS (
  SELECT ?::varchar(6) AS code
), road_house AS (
  SELECT DISTINCT road, house_key FROM unnest(?::text[], ?::text[]) AS p(road, house_key)
), estate_building AS (
  SELECT DISTINCT estate, building_key FROM unnest(?::text[], ?::text[]) AS p(estate, building_key)
), estates AS (
  SELECT DISTINCT estate FROM unnest(?::text[]) AS p(estate)
)
SELECT a.id::int AS id, a.level, a.full_address, a.community_code, a.road, a.house_number, a.estate,
       a.building, a.unit, a.room, a.house_key, a.building_key, a.unit_key, a.room_key,
       ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat
FROM road_house p CROSS JOIN city
JOIN std_address a ON a.city_code = city.code AND a.road = p.road AND a.house_key = p.house_key
UNION ALL
SELECT a.id::int, a.level, a.full_address, a.community_code, a.road, a.house_number, a.estate,
       a.building, a.unit, a.room, a.house_key, a.building_key, a.unit_key, a.room_key,
       ST_X(a.geom), ST_Y(a.geom)
FROM estate_building p CROSS JOIN city
JOIN std_address a ON a.city_code = city.code AND a.estate = p.estate AND a.building_key = p.building_key
UNION ALL
SELECT a.id::int, a.level, a.full_address, a.community_code, a.road, a.house_number, a.estate,
       a.building, a.unit, a.room, a.house_key, a.building_key, a.unit_key, a.room_key,
       ST_X(a.geom), ST_Y(a.geom)
FROM estates p CROSS JOIN city
JOIN std_address a ON a.city_code = city.code AND a.estate = p.estate AND a.level = 50
