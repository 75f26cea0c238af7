-- Sets the user field values (extra) of components, by id: one statement for an import's rows.
UPDATE component c SET extra = v.extra
FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS v(id text, extra jsonb)
WHERE c.id = v.id AND c.extra IS DISTINCT FROM v.extra
