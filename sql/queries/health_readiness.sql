-- Readiness: one round trip that proves the database answers, PostGIS is loaded and
-- the migrations ran (schema_version is the newest applied migration).
SELECT postgis_lib_version() AS postgis,
       current_setting('server_version') AS postgres,
       (SELECT max(version) FROM schema_migration) AS schema_version
