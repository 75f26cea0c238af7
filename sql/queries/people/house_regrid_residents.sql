-- A house moved (its point edited): the residents living there take its point, grid and community.
UPDATE resident r SET geom = h.geom, grid_code = h.grid_code, community_code = h.community_code, updated_at = now()
FROM house h
WHERE h.id = :id AND r.house_id = h.id
