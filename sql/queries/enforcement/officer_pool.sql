-- The officer pool of a draw: the active officers of the given active teams, ascending ids.
SELECT o.id
FROM enforcement_officer o
JOIN enforcement_team t ON t.id = o.team_id
WHERE o.team_id = ANY (CAST(:teamIds AS bigint[])) AND o.active AND t.active
ORDER BY o.id
