-- A new camera; its community is the one holding its point (the caller has checked it), the
-- field of view arrives as GeoJSON and is stored as given (validity is checked before).
INSERT INTO camera (name, kind, owner, gb_device_id, gb_channel_id, stream_url_template, direction,
                    geom, fov, community_code, city_code, created_by)
VALUES (:name, :kind, :owner, :deviceId, :channelId, :streamUrlTemplate, :direction,
        ST_SetSRID(ST_MakePoint(:lon, :lat), 4490), ST_SetSRID(ST_GeomFromGeoJSON(:fov), 4490),
        :community, substr(:community, 1, 4) || '00', :createdBy)
ON CONFLICT (gb_device_id, gb_channel_id) DO NOTHING
RETURNING id
