-- One special-group record placed where its resident lives (community, grid, point copied from
-- the resident), with its visit plan; nothing when the resident already has a record of this kind.
WITH g AS (
  INSERT INTO special_group (city_code, community_code, grid_code, geom, resident_id, kind, risk_level,
    responsible_member_id, guardian_name, guardian_phone, since, until, note, created_by)
  SELECT r.city_code, r.community_code, r.grid_code, r.geom, r.id, :kind, :risk,
    :member, :guardianName, :guardianPhone, CAST(:since AS date), CAST(:until AS date), :note, :user
  FROM resident r
  WHERE r.id = :residentId
  ON CONFLICT (resident_id, kind) DO NOTHING
  RETURNING id
)
INSERT INTO special_visit_plan (special_group_id, interval_days, source, set_by)
SELECT g.id, :interval, 'default', :user FROM g
RETURNING special_group_id AS id
