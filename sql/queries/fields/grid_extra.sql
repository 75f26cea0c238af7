-- Sets the user field values (extra) of current grids, by code: one statement for a write's
-- grids, after they were inserted by the topology-checked path (which knows no user fields).
UPDATE grid g SET extra = v.extra
FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS v(code text, extra jsonb)
WHERE g.code = v.code AND g.valid_to IS NULL AND g.extra IS DISTINCT FROM v.extra
