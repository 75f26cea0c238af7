-- Offline packages (issue 16 item 3): each GeoPackage handed out is recorded, so a field copy
-- that comes back can be told from any other file, and each sync of it is kept with its report
-- (who brought what back, what was applied, what conflicted).

CREATE TABLE offline_package (
  id           uuid PRIMARY KEY,
  area_code    varchar(12) NOT NULL REFERENCES admin_division(code),
  -- NULL: written by the operator's CLI (npm run export:gpkg), not over HTTP
  user_id      bigint REFERENCES app_user(id) ON DELETE SET NULL,
  role         text,
  features     integer NOT NULL CHECK (features >= 0),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offline_package_area_idx ON offline_package (area_code, created_at DESC);

CREATE TABLE offline_sync (
  id           bigserial PRIMARY KEY,
  package_id   uuid NOT NULL REFERENCES offline_package(id) ON DELETE CASCADE,
  user_id      bigint REFERENCES app_user(id) ON DELETE SET NULL,
  applied      integer NOT NULL CHECK (applied >= 0),
  conflicts    integer NOT NULL CHECK (conflicts >= 0),
  refused      integer NOT NULL CHECK (refused >= 0),
  report       jsonb NOT NULL,
  synced_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offline_sync_package_idx ON offline_sync (package_id, synced_at DESC);
