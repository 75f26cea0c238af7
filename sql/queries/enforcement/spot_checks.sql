-- Spot checks inside a jurisdiction (by their area), ascending ids, with how many checks have a
-- result. One by id when an id is given.
SELECT s.id, s.community_code, s.task_id, s.title, s.object_type, s.kinds, s.grid_codes, s.exclude_days, s.object_count,
       s.officers_per_object, s.team_ids, s.seed, s.algorithm, cardinality(s.candidate_ids) AS candidate_count,
       cardinality(s.officer_pool) AS pool_size, s.drawn_at, s.drawn_by, s.published_at,
       (SELECT count(*) FROM enforcement_check c JOIN enforcement_result r ON r.check_id = c.id WHERE c.spot_check_id = s.id) AS done
FROM enforcement_spot_check s
WHERE s.community_code LIKE ANY (CAST(:patterns AS text[]))
  AND (CAST(:id AS bigint) IS NULL OR s.id = CAST(:id AS bigint))
  AND (CAST(:after AS bigint) IS NULL OR s.id > CAST(:after AS bigint))
  AND (CAST(:community AS text) IS NULL OR s.community_code LIKE CAST(:community AS text) || '%')
  AND (CAST(:q AS text) IS NULL OR strpos(s.title, CAST(:q AS text)) > 0)
ORDER BY s.id
LIMIT :limit
