-- Demo enforcement tasks, one statement for a batch.
INSERT INTO enforcement_task (city_code, community_code, team_id, title, kind, status, due_on)
SELECT :city, k.community_code, k.team_id, k.title, k.kind, k.status, CAST(k.due_on AS date)
FROM json_to_recordset(CAST(:rows AS json)) AS k(community_code text, team_id bigint, title text, kind text, status text, due_on text)
RETURNING id, team_id, kind
