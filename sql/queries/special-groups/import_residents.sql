-- The residents an import's rows name, by id or by the blind indexes of an ID number (n: the
-- row's position in the batch); a row whose resident is unknown comes back with a NULL id.
SELECT x.n, r.id, r.community_code, r.city_code
FROM json_to_recordset(CAST(:rows AS json)) AS x(n integer, rid bigint, idx text[])
LEFT JOIN resident r ON (x.rid IS NOT NULL AND r.id = x.rid) OR (x.rid IS NULL AND r.id_number_index = ANY (x.idx))
ORDER BY x.n
