-- A return, once per (task, instance): a replay inserts nothing and the caller reads the stored one.
INSERT INTO collection_return (city_code, task_id, form_id, instance_id, data, geom, grid_code, community_code, submitted_by)
VALUES (:city, :task, :form, :instance, CAST(:data AS jsonb), ST_SetSRID(ST_GeomFromGeoJSON(:geometry), 4490), :grid, :community, :user)
ON CONFLICT (task_id, instance_id) DO NOTHING
RETURNING id
