-- Stages candidates from one JSON array (one round trip whatever their number). Winding is
-- normalised to the RFC 7946 right-hand rule (exterior counter-clockwise) and every polygon is
-- stored as a MultiPolygon, so input winding never matters.
INSERT INTO grid_candidate (idx, code, kind, industry_type, name, community_code, households, population, geom)
SELECT (c ->> 'idx')::int, c ->> 'code', c ->> 'kind', c ->> 'industryType', c ->> 'name', c ->> 'communityCode',
       (c ->> 'households')::int, (c ->> 'population')::int,
       ST_Multi(ST_ForcePolygonCCW(ST_SetSRID(ST_GeomFromGeoJSON(c ->> 'geometry'), 4490)))
FROM json_array_elements(?::json) AS c
