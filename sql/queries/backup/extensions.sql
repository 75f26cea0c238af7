-- The extensions the database uses (plpgsql comes with every database).
SELECT extname AS name, extversion AS version FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1
