-- A new fence; geom arrives as hex EWKB from one of the geom_*.sql queries.
INSERT INTO fence (city_code, admin_code, name, kind, source, grid_codes, geom, rules, schedule, member_ids, created_by)
VALUES (:city, :admin, :name, :kind, CAST(:source AS jsonb), CAST(:gridCodes AS varchar(20)[]), CAST(:geom AS geometry),
        CAST(:rules AS jsonb), CAST(:schedule AS jsonb), CAST(:memberIds AS bigint[]), :createdBy)
RETURNING id
