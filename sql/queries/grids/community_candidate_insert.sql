-- Stages communities from one JSON array; winding normalised, MultiPolygon forced.
INSERT INTO community_candidate (idx, code, name, geom)
SELECT (c ->> 'idx')::int, c ->> 'code', c ->> 'name',
       ST_Multi(ST_ForcePolygonCCW(ST_SetSRID(ST_GeomFromGeoJSON(c ->> 'geometry'), 4490)))
FROM json_array_elements(?::json) AS c
