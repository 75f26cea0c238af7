-- Demo results of drawn checks (a batch of at most 5,000), the object copied from the check.
INSERT INTO enforcement_result (city_code, community_code, grid_code, check_id, object_type, object_id, object_name, outcome, findings,
    checked_at, rectify_due, rectified_at, rectify_note, penalty_yuan)
  SELECT c.city_code, c.community_code, c.grid_code, c.id, c.object_type, c.object_id, c.object_name, r.outcome, r.findings,
    r.checked_at, CAST(r.rectify_due AS date), r.rectified_at, CASE WHEN r.rectified_at IS NOT NULL THEN '复查已整改' END, r.penalty_yuan
  FROM json_to_recordset(CAST(:rows AS json)) AS r(check_id bigint, outcome text, findings text, checked_at timestamptz, rectify_due text,
    rectified_at timestamptz, penalty_yuan numeric)
  JOIN enforcement_check c ON c.id = r.check_id
RETURNING id
