-- What a valid file would do: rows already imported (same city and dedup key: skipped), how
-- many were located by the grid version of their time and how many by today's grids, and
-- the time span (for partitions).
SELECT count(*) FILTER (WHERE k.key IS NOT NULL) AS skipped,
  count(*) FILTER (WHERE s.grid_basis = 'at_report') AS at_report,
  count(*) FILTER (WHERE s.grid_basis = 'current') AS current,
  count(*) FILTER (WHERE s.grid_basis = 'anchor') AS anchor,
  min(s.reported_at) AS first_at, max(s.reported_at) AS last_at
FROM event_import_stage s
LEFT JOIN event_import_key k ON k.city_code = s.city_code AND k.key = s.key
