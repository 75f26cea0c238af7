-- Demo enforcement teams (fixtures/registers/enforcement.ts): one statement for all, each linked
-- to its department by code.
INSERT INTO enforcement_team (city_code, community_code, name, agency, domain, department_id, office_phone)
SELECT :city, t.community_code, t.name, t.agency, t.domain, d.id, t.office_phone
FROM json_to_recordset(CAST(:rows AS json)) AS t(community_code text, name text, agency text, domain text, department_code text, office_phone text)
LEFT JOIN department d ON d.code = t.department_code
RETURNING id, community_code, domain
