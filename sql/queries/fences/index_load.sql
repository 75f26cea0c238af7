-- The active fences of a city for the engine, with the city's fence revision, in ONE
-- statement so both come from one snapshot: a fence change committed after it moves the
-- revision past the one answered, and the next reader reloads.
SELECT COALESCE((SELECT r.revision FROM fence_revision r WHERE r.city_code = :city), 0) AS revision,
       (SELECT json_agg(json_build_object(
                 'id', f.id, 'city_code', f.city_code, 'admin_code', f.admin_code, 'member_ids', f.member_ids,
                 'rules', f.rules, 'schedule', f.schedule, 'geom', ST_AsGeoJSON(f.geom)::json) ORDER BY f.id)
          FROM fence f
          WHERE f.city_code = :city AND f.active) AS fences
