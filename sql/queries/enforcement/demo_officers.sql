-- Demo enforcement officers, one statement for a batch.
INSERT INTO enforcement_officer (city_code, community_code, team_id, name, certificate_no, phone)
SELECT :city, o.community_code, o.team_id, o.name, o.certificate_no, o.phone
FROM json_to_recordset(CAST(:rows AS json)) AS o(community_code text, team_id bigint, name text, certificate_no text, phone text)
RETURNING id, team_id
