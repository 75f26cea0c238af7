-- Precomputed point clusters for the low-zoom tiles of the dense point layers (components,
-- addresses, events in progress). A low-zoom tile used to count every point under it per request (a z10
-- tile over the city centre: ~100,000 components, 8× the time of a z14 tile); it now sums a few
-- hundred rows of this table.
--
-- A cluster cell at zoom z is one tile of zoom z + 4 (16 × 16 cells per tile, as before), in
-- Web Mercator: cx = floor((X + R) / 2R · 2^(z+4)), cy = floor((R − Y) / 2R · 2^(z+4)). Cells
-- are kept per community, so a tile sums only the communities the caller may see; sx, sy are
-- sums of the points' Mercator coordinates, so a cluster is still drawn at the mean of its points.
--
-- Kept current in the writer's transaction:
-- * components and addresses (edited rarely, in bulk): a statement trigger recounts the cells
--   under the statement's extent, so a 100,000-row import recounts once;
-- * events (one row per intake, many at once): row deltas (+1 inserted, −1 deleted, both for a
--   moved point) by upsert, so an intake never recounts a busy cell. A cell emptied by deletes
--   keeps a row with n = 0; the tile queries skip it.
-- Zoom ranges and filters mirror tiles/catalogue.ts (clusterMinZoom .. minZoom − 1, the layer's
-- where); a test holds the two equal and the table equal to a fresh count.
CREATE TABLE point_cluster (
  layer           text NOT NULL,
  z               smallint NOT NULL,
  cx              integer NOT NULL,
  cy              integer NOT NULL,
  community_code  varchar(12) NOT NULL,
  -- no CHECK (n >= 0): a CHECK is tested on the row an upsert proposes, before the conflict, so
  -- a −1 delta for an existing cell would be refused; the parity tests hold n to a fresh count
  n               integer NOT NULL,
  sx              double precision NOT NULL,
  sy              double precision NOT NULL,
  PRIMARY KEY (layer, z, cx, cy, community_code)
);

-- Whether an event is in progress (not rejected, closed, evaluated or voided): the command
-- screen's events layer shows these; the whole history is the events_all layer's (and the
-- analyses'). Equal to openStatuses of server/events/workflow.ts (a test holds them equal).
CREATE FUNCTION event_is_open(status text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT status IN ('reported', 'accepted', 'dispatched', 'signed', 'handling', 'handled', 'verified', 'parked')
$$;

-- The layers that keep clusters here, their zoom range and their source rows.
CREATE TABLE point_cluster_layer (
  layer   text PRIMARY KEY,
  zmin    smallint NOT NULL,
  zmax    smallint NOT NULL CHECK (zmax >= zmin)
);
INSERT INTO point_cluster_layer VALUES ('components', 10, 13), ('addresses', 10, 14), ('events', 8, 11);

CREATE VIEW point_cluster_source AS
  SELECT 'components'::text AS layer, geom, community_code FROM component
  UNION ALL SELECT 'addresses', geom, community_code FROM std_address WHERE level = 50
  UNION ALL SELECT 'events', geom, community_code FROM event WHERE event_is_open(status);

-- Recounts the cells of one layer under an extent (EPSG:4490), every zoom of the layer; a NULL
-- extent recounts the whole layer.
CREATE FUNCTION point_cluster_recount(p_layer text, p_extent box2d) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  r CONSTANT double precision := 20037508.342789244;
  l point_cluster_layer;
  zz integer;
  k double precision;
  m box2d;
  x0 integer; x1 integer; y0 integer; y1 integer;
  area geometry;
BEGIN
  SELECT * INTO l FROM point_cluster_layer WHERE layer = p_layer;
  IF NOT FOUND THEN RAISE EXCEPTION 'no cluster layer %', p_layer; END IF;
  IF p_extent IS NOT NULL THEN
    m := ST_Transform(ST_SetSRID(p_extent::geometry, 4490), 3857)::box2d;
  END IF;
  FOR zz IN l.zmin .. l.zmax LOOP
    k := power(2, zz + 4) / (2 * r);
    IF p_extent IS NULL THEN
      DELETE FROM point_cluster WHERE layer = p_layer AND z = zz;
      x0 := 0; y0 := 0; x1 := power(2, zz + 4)::integer - 1; y1 := x1;
      area := NULL;
    ELSE
      x0 := floor((ST_XMin(m) + r) * k); x1 := floor((ST_XMax(m) + r) * k);
      y0 := floor((r - ST_YMax(m)) * k); y1 := floor((r - ST_YMin(m)) * k);
      DELETE FROM point_cluster WHERE layer = p_layer AND z = zz AND cx BETWEEN x0 AND x1 AND cy BETWEEN y0 AND y1;
      -- the cells' own extent back in 4490, for the index
      area := ST_Transform(ST_MakeEnvelope(x0 / k - r, r - (y1 + 1) / k, (x1 + 1) / k - r, r - y0 / k, 3857), 4490);
    END IF;
    INSERT INTO point_cluster (layer, z, cx, cy, community_code, n, sx, sy)
    SELECT p_layer, zz, c.cx, c.cy, c.community_code, count(*), sum(c.x), sum(c.y)
    FROM (
      SELECT floor((ST_X(g) + r) * k)::integer AS cx, floor((r - ST_Y(g)) * k)::integer AS cy, s.community_code, ST_X(g) AS x, ST_Y(g) AS y
      FROM point_cluster_source s, LATERAL ST_Transform(s.geom, 3857) AS g
      WHERE s.layer = p_layer AND (area IS NULL OR s.geom && area)
    ) c
    WHERE c.cx BETWEEN x0 AND x1 AND c.cy BETWEEN y0 AND y1
    GROUP BY c.cx, c.cy, c.community_code;
  END LOOP;
END
$$;

-- Statement triggers of components and addresses: recount under the statement's extent.
CREATE FUNCTION point_cluster_after_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  extent box2d;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT ST_Extent(geom) INTO extent FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT ST_Extent(geom) INTO extent FROM old_rows;
  ELSE
    SELECT ST_Extent(geom) INTO extent FROM (SELECT geom FROM new_rows UNION ALL SELECT geom FROM old_rows) x;
  END IF;
  IF extent IS NOT NULL THEN
    PERFORM point_cluster_recount(TG_ARGV[0], extent);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER component_clusters_ins AFTER INSERT ON component REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION point_cluster_after_statement('components');
CREATE TRIGGER component_clusters_upd AFTER UPDATE ON component REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION point_cluster_after_statement('components');
CREATE TRIGGER component_clusters_del AFTER DELETE ON component REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION point_cluster_after_statement('components');
CREATE TRIGGER std_address_clusters_ins AFTER INSERT ON std_address REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION point_cluster_after_statement('addresses');
CREATE TRIGGER std_address_clusters_upd AFTER UPDATE ON std_address REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION point_cluster_after_statement('addresses');
CREATE TRIGGER std_address_clusters_del AFTER DELETE ON std_address REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION point_cluster_after_statement('addresses');

-- Events in progress: deltas of the statement's rows, one upsert per (zoom, cell, community).
-- An open row inserted counts +1, deleted −1; an update counts −1 for the old row if it was open
-- and +1 for the new one if it is, so closing an event removes it and a transition between open
-- statuses nets to nothing and writes nothing.
CREATE FUNCTION point_cluster_event_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r CONSTANT double precision := 20037508.342789244;
  gs geometry[];
  cs text[];
  ss integer[];
BEGIN
  -- a transition table exists only for the operations that have it, so each reads its own
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(geom), array_agg(community_code::text), array_agg(1) INTO gs, cs, ss FROM new_rows WHERE event_is_open(status);
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(geom), array_agg(community_code::text), array_agg(-1) INTO gs, cs, ss FROM old_rows WHERE event_is_open(status);
  ELSE
    SELECT array_agg(x.geom), array_agg(x.community_code::text), array_agg(x.sign) INTO gs, cs, ss
    FROM (SELECT geom, community_code, 1 AS sign FROM new_rows WHERE event_is_open(status)
          UNION ALL SELECT geom, community_code, -1 FROM old_rows WHERE event_is_open(status)) x;
  END IF;
  IF gs IS NULL THEN RETURN NULL; END IF;
  WITH cells AS (
    SELECT zz AS z, floor((ST_X(g) + r) * power(2, zz + 4) / (2 * r))::integer AS cx,
           floor((r - ST_Y(g)) * power(2, zz + 4) / (2 * r))::integer AS cy,
           x.community_code, sum(x.sign)::integer AS n, sum(x.sign * ST_X(g)) AS sx, sum(x.sign * ST_Y(g)) AS sy
    FROM unnest(gs, cs, ss) AS x(geom, community_code, sign), LATERAL ST_Transform(x.geom, 3857) AS g,
         point_cluster_layer l, LATERAL generate_series(l.zmin::integer, l.zmax::integer) AS zz
    WHERE l.layer = 'events'
    GROUP BY 1, 2, 3, 4
    HAVING sum(x.sign) <> 0 OR sum(x.sign * ST_X(g)) <> 0 OR sum(x.sign * ST_Y(g)) <> 0
  )
  INSERT INTO point_cluster AS p (layer, z, cx, cy, community_code, n, sx, sy)
  SELECT 'events', z, cx, cy, community_code, n, sx, sy FROM cells
  ORDER BY z, cx, cy, community_code -- one lock order for every writer: concurrent intakes never deadlock
  ON CONFLICT (layer, z, cx, cy, community_code)
  DO UPDATE SET n = p.n + excluded.n, sx = p.sx + excluded.sx, sy = p.sy + excluded.sy;
  RETURN NULL;
END
$$;

CREATE TRIGGER event_clusters_ins AFTER INSERT ON event REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION point_cluster_event_delta();
CREATE TRIGGER event_clusters_upd AFTER UPDATE ON event REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION point_cluster_event_delta();
CREATE TRIGGER event_clusters_del AFTER DELETE ON event REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION point_cluster_event_delta();

-- The rows already there.
SELECT point_cluster_recount(layer, NULL) FROM point_cluster_layer;
