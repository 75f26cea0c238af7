-- Officers by id with their team's name and department (the holder for the masking rule).
SELECT o.id, o.team_id, t.name AS team_name, o.community_code, t.department_id, o.name, o.certificate_no, o.phone, o.active, o.version
FROM enforcement_officer o
JOIN enforcement_team t ON t.id = o.team_id
WHERE o.id = ANY (CAST(:ids AS bigint[]))
