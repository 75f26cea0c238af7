-- Every unit an assessment ranks, events or not: the divisions of one level of the city, or its
-- departments other than the command centre. key as indicators() names units; area is the
-- admin code the unit lies in (jurisdiction filtering of the rows).
SELECT d.code AS key, d.name, d.code AS area
FROM admin_division d
WHERE :unit::text <> 'department' AND d.city_code = :city AND d.level = :unit::text
UNION ALL
SELECT p.id::text, p.name, p.admin_code
FROM department p
WHERE :unit::text = 'department' AND p.city_code = :city AND p.kind <> 'command_center'
