-- Which demo register modules (fixtures/registers/*.ts) a database holds: loadDemoRegisters
-- loads each module once, in one transaction with its row here, so `npm run seed:registers` on a
-- database that holds some of them already (the kept bench database) adds only the others.
CREATE TABLE register_demo (
  module     text PRIMARY KEY CHECK (module ~ '^[a-z][a-z-]{1,39}$'),
  scale      text NOT NULL CHECK (scale IN ('small', 'city')),
  seed       integer NOT NULL,
  rows       jsonb NOT NULL,
  loaded_at  timestamptz NOT NULL DEFAULT now()
);
