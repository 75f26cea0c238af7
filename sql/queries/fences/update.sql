-- Replaces a fence (the caller holds its row lock and checked the version it read).
UPDATE fence SET city_code = :city, admin_code = :admin, name = :name, kind = :kind, source = CAST(:source AS jsonb),
       grid_codes = CAST(:gridCodes AS varchar(20)[]), geom = CAST(:geom AS geometry), rules = CAST(:rules AS jsonb),
       schedule = CAST(:schedule AS jsonb), member_ids = CAST(:memberIds AS bigint[]), active = :active,
       version = version + 1, updated_at = now()
WHERE id = :id
