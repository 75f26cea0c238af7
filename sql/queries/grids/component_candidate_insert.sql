-- Stages components from one JSON array ({idx, id, name, state, communityCode, material, lon, lat}).
INSERT INTO component_candidate (idx, id, name, state, community_code, material, geom)
SELECT (c ->> 'idx')::int, c ->> 'id', c ->> 'name', c ->> 'state', c ->> 'communityCode', c ->> 'material',
       ST_SetSRID(ST_MakePoint((c ->> 'lon')::float8, (c ->> 'lat')::float8), 4490)
FROM json_array_elements(?::json) AS c
