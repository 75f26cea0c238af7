// The SensorThings 1.1 entity sets as a catalogue: each property's SQL over the alias `c`, each
// navigation property's join predicate between a parent `p` and a child `c`, and how a row is
// scoped to the caller's jurisdiction. The query builder (query.ts) and the writers read only
// names from here, so a name in a URL or a $filter never reaches SQL unless it is listed.

export type SetName = 'Things' | 'Locations' | 'HistoricalLocations' | 'Sensors' | 'ObservedProperties' | 'Datastreams' | 'Observations' | 'FeaturesOfInterest'
export type PropType = 'number' | 'text' | 'time' | 'json' | 'geometry'

export interface Prop {
  /** what SELECT reads (JSON-ready) */
  select: string
  /** what $filter and $orderby compare, when it differs from select */
  expr?: string
  type: PropType
}

export interface Nav {
  target: SetName
  many: boolean
  /** a predicate over p (a row of this set) and c (a row of the target) */
  on: string
}

export interface EntitySet {
  name: SetName
  singular: string
  table: string
  props: Record<string, Prop>
  nav: Record<string, Nav>
  /** how a row is restricted to the caller's areas: its own admin_code, its datastream's, or shared */
  scope: 'admin' | 'datastream' | 'shared'
}

const base = (extra: Record<string, Prop> = {}): Record<string, Prop> => ({
  id: { select: 'c.id', type: 'number' },
  name: { select: 'c.name', type: 'text' },
  description: { select: 'c.description', type: 'text' },
  properties: { select: 'c.properties', type: 'json' },
  ...extra,
})
const geo = (col: string): Prop => ({ select: `ST_AsGeoJSON(${col}, 7)::json`, expr: col, type: 'geometry' })
const time = (col: string): Prop => ({ select: col, type: 'time' })

export const entitySets: Record<SetName, EntitySet> = {
  Things: {
    name: 'Things', singular: 'Thing', table: 'sta_thing', scope: 'admin', props: base(),
    nav: {
      Locations: { target: 'Locations', many: true, on: 'EXISTS (SELECT 1 FROM sta_thing_location tl WHERE tl.thing_id = p.id AND tl.location_id = c.id)' },
      HistoricalLocations: { target: 'HistoricalLocations', many: true, on: 'c.thing_id = p.id' },
      Datastreams: { target: 'Datastreams', many: true, on: 'c.thing_id = p.id' },
    },
  },
  Locations: {
    name: 'Locations', singular: 'Location', table: 'sta_location', scope: 'admin',
    props: base({ encodingType: { select: 'c.encoding_type', type: 'text' }, location: geo('c.geom') }),
    nav: {
      Things: { target: 'Things', many: true, on: 'EXISTS (SELECT 1 FROM sta_thing_location tl WHERE tl.location_id = p.id AND tl.thing_id = c.id)' },
      HistoricalLocations: { target: 'HistoricalLocations', many: true, on: 'c.location_id = p.id' },
    },
  },
  HistoricalLocations: {
    name: 'HistoricalLocations', singular: 'HistoricalLocation', table: 'sta_historical_location', scope: 'admin',
    props: { id: { select: 'c.id', type: 'number' }, time: time('c.time') },
    nav: {
      Thing: { target: 'Things', many: false, on: 'c.id = p.thing_id' },
      Locations: { target: 'Locations', many: true, on: 'c.id = p.location_id' },
    },
  },
  Sensors: {
    name: 'Sensors', singular: 'Sensor', table: 'sta_sensor', scope: 'shared',
    props: base({ encodingType: { select: 'c.encoding_type', type: 'text' }, metadata: { select: 'c.metadata', type: 'text' } }),
    nav: { Datastreams: { target: 'Datastreams', many: true, on: 'c.sensor_id = p.id' } },
  },
  ObservedProperties: {
    name: 'ObservedProperties', singular: 'ObservedProperty', table: 'sta_observed_property', scope: 'shared',
    props: base({ definition: { select: 'c.definition', type: 'text' } }),
    nav: { Datastreams: { target: 'Datastreams', many: true, on: 'c.observed_property_id = p.id' } },
  },
  Datastreams: {
    name: 'Datastreams', singular: 'Datastream', table: 'sta_datastream', scope: 'admin',
    props: base({ observationType: { select: 'c.observation_type', type: 'text' }, unitOfMeasurement: { select: 'c.unit_of_measurement', type: 'json' } }),
    nav: {
      Thing: { target: 'Things', many: false, on: 'c.id = p.thing_id' },
      Sensor: { target: 'Sensors', many: false, on: 'c.id = p.sensor_id' },
      ObservedProperty: { target: 'ObservedProperties', many: false, on: 'c.id = p.observed_property_id' },
      Observations: { target: 'Observations', many: true, on: 'c.datastream_id = p.id' },
    },
  },
  Observations: {
    name: 'Observations', singular: 'Observation', table: 'sta_observation', scope: 'datastream',
    props: {
      id: { select: 'c.id', type: 'number' },
      phenomenonTime: time('c.phenomenon_time'),
      resultTime: time('c.result_time'),
      // a number is what rules and comparisons use; other results stay JSON
      result: { select: 'COALESCE(to_jsonb(c.result_number), c.result_json)', expr: 'c.result_number', type: 'number' },
      parameters: { select: 'c.parameters', type: 'json' },
    },
    nav: {
      Datastream: { target: 'Datastreams', many: false, on: 'c.id = p.datastream_id' },
      FeatureOfInterest: { target: 'FeaturesOfInterest', many: false, on: 'c.id = p.feature_of_interest_id' },
    },
  },
  FeaturesOfInterest: {
    name: 'FeaturesOfInterest', singular: 'FeatureOfInterest', table: 'sta_feature_of_interest', scope: 'admin',
    props: base({ encodingType: { select: 'c.encoding_type', type: 'text' }, feature: geo('c.geom') }),
    nav: { Observations: { target: 'Observations', many: true, on: 'c.feature_of_interest_id = p.id' } },
  },
}

export const setNames = Object.keys(entitySets) as SetName[]
export const isSetName = (s: string): s is SetName => Object.hasOwn(entitySets, s)

/** The jurisdiction predicate of a set over alias c; binds the caller's LIKE patterns once (or nothing). */
export function scopeSql(set: EntitySet): { sql: string; needsPatterns: boolean } {
  switch (set.scope) {
    case 'admin': return { sql: 'c.admin_code LIKE ANY (?::text[])', needsPatterns: true }
    case 'datastream': return { sql: 'EXISTS (SELECT 1 FROM sta_datastream sd WHERE sd.id = c.datastream_id AND sd.admin_code LIKE ANY (?::text[]))', needsPatterns: true }
    case 'shared': return { sql: 'true', needsPatterns: false }
  }
}
