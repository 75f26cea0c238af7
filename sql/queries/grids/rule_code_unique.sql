-- A code names one current grid: a candidate may not take the code of a current grid, nor of
-- an earlier candidate of the same write. Retired codes stay reserved as well, because events
-- geocoded against them must keep pointing at one area.
SELECT c.idx, c.code, 'code_taken' AS rule,
       CASE WHEN g.code IS NOT NULL AND g.valid_to IS NULL THEN format('code %s is already used by a current grid', c.code)
            WHEN g.code IS NOT NULL THEN format('code %s belonged to a retired grid and is not reused', c.code)
            ELSE format('code %s appears more than once in this write', c.code) END AS message,
       ST_AsGeoJSON(ST_PointOnSurface(ST_Envelope(c.geom)), 7, 0) AS location,
       c.code AS other_code, NULL::float8 AS area_m2
FROM grid_candidate c
LEFT JOIN LATERAL (SELECT code, valid_to FROM grid WHERE code = c.code ORDER BY valid_to NULLS FIRST LIMIT 1) AS g ON true
WHERE (g.code IS NOT NULL AND NOT c.code = ANY(:ownCodes::text[]))
   OR EXISTS (SELECT 1 FROM grid_candidate o WHERE o.code = c.code AND o.idx < c.idx)
ORDER BY c.idx
