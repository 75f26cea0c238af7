-- Large imports: the overlap rule joins candidates with candidates, which needs an index.
CREATE INDEX ON grid_candidate USING gist (geom)
