-- The chain above a row of an organisation chart (team or party_org, named by the caller's own
-- code): the row itself, its parent, the parent's parent … (at most 100 levels). A write that
-- would put a row below one of its own descendants finds the row in its new parent's chain.
WITH RECURSIVE up (id, parent_id, community_code, depth) AS (
  SELECT o.id, o.parent_id, o.community_code, 1 FROM :table: o WHERE o.id = :id
  UNION ALL
  SELECT o.id, o.parent_id, o.community_code, up.depth + 1
  FROM :table: o JOIN up ON o.id = up.parent_id
  WHERE up.depth < 100
)
SELECT id, parent_id, community_code, depth FROM up ORDER BY depth
