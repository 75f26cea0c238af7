-- Writes the staged (and already judged) candidates as grid rows. The version per code comes
-- from a JSON object {code: version}; a code not in it starts at version 1. The city code is
-- the first four digits of the community code padded to the 6-digit GB/T 2260 city code.
-- The author (user name and display name) is recorded on every row written.
INSERT INTO grid (code, version, kind, industry_type, name, community_code, city_code, households, population, geom, valid_from,
                  changed_by, changed_by_name)
SELECT c.code, coalesce((?::json ->> c.code)::int, 1), c.kind, c.industry_type, c.name, c.community_code,
       substr(c.community_code, 1, 4) || '00', c.households, c.population, c.geom, now(), ?, ?
FROM grid_candidate c
ORDER BY c.idx
