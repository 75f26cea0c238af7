// The write side of SensorThings (create with deep insert and links by @iot.id, PATCH, DELETE).
// Observations go through ../ingest.ts (the hot path with its rules). A Thing of the register
// needs its kind (properties.kind) and its place (a Location); the place decides its admin area.
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Principal } from '../../auth/users.ts'
import { AppError, badRequest, notFound } from '../../http/errors.ts'
import { validate } from '../../http/validate.ts'
import { entitySets, scopeSql, type SetName } from './entities.ts'

export const fieldError = (field: string, message: string) =>
  badRequest(`${field}: ${message}`, { errors: [{ field, message }] }).coded('sensors.bad_field', { field, message })

const text = (max: number) => z.string().trim().min(1).max(max)
const ref = z.object({ '@iot.id': z.union([z.number().int().positive(), z.string().regex(/^\d{1,15}$/).transform(Number)]) }).strict()
const geometry = z.object({ type: z.string().max(40), coordinates: z.array(z.unknown()).max(100_000) }).passthrough()
const props = z.record(z.string(), z.unknown()).optional()

export const locationBody = z.object({
  name: text(200), description: z.string().max(2000).default(''),
  encodingType: z.enum(['application/geo+json', 'application/vnd.geo+json']), location: geometry, properties: props,
}).strict()
export const sensorBody = z.object({ name: text(200), description: z.string().max(2000).default(''), encodingType: text(100), metadata: text(4000), properties: props }).strict()
export const observedPropertyBody = z.object({ name: text(200), definition: text(1000), description: z.string().max(2000).default(''), properties: props }).strict()
const unit = z.object({ name: z.string().max(100).nullable(), symbol: z.string().max(40).nullable(), definition: z.string().max(1000).nullable() }).strict()
export const datastreamBody = z.object({
  name: text(200), description: z.string().max(2000).default(''), observationType: text(200), unitOfMeasurement: unit, properties: props,
  Thing: ref.optional(), Sensor: z.union([ref, sensorBody]), ObservedProperty: z.union([ref, observedPropertyBody]),
}).strict()
export const thingBody = z.object({
  name: text(200), description: z.string().max(2000).default(''),
  properties: z.object({ kind: z.string().max(40) }).passthrough(),
  Locations: z.array(z.union([ref, locationBody])).min(1).max(1),
  Datastreams: z.array(datastreamBody.omit({ Thing: true })).max(50).default([]),
}).strict()
export const featureBody = z.object({
  name: text(200), description: z.string().max(2000).default(''), encodingType: z.enum(['application/geo+json', 'application/vnd.geo+json']),
  feature: geometry, properties: props,
}).strict()
export const patchBody = z.object({
  name: text(200).optional(), description: z.string().max(2000).optional(), properties: z.record(z.string(), z.unknown()).optional(),
  metadata: text(4000).optional(), definition: text(1000).optional(),
}).strict()

type Db = Knex | Knex.Transaction
const idOf = (r: unknown) => Number((r as { id: string | number }).id)

/** Whether a row of a set is visible to the caller (refs to hidden rows read as unknown). */
export async function visible(db: Db, p: Principal, set: SetName, id: number): Promise<Record<string, unknown> | undefined> {
  const s = entitySets[set]
  const scope = scopeSql(s)
  // the table and the scope predicate are the catalogue's, the values bound
  const sql = `SELECT c.* FROM ${s.table} c WHERE c.id = ? AND ${scope.sql} LIMIT 1`
  const { rows } = await db.raw(sql, scope.needsPatterns ? [id, p.jurisdiction.patterns] : [id]) as { rows: Record<string, unknown>[] }
  return rows[0]
}

async function mustSee(db: Db, p: Principal, set: SetName, id: number, field: string) {
  const row = await visible(db, p, set, id)
  if (!row) throw fieldError(field, `no ${entitySets[set].singular} ${id}`)
  return row
}

/** The community holding a geometry, inside the caller's areas (a 400 naming the field otherwise). */
async function placeOf(db: Db, p: Principal, geom: unknown, field: string): Promise<{ admin: string; city: string; wkb: string }> {
  let g: { wkb: string } | undefined
  try {
    const { rows } = await db.raw('SELECT ST_AsEWKT(ST_SetSRID(ST_GeomFromGeoJSON(?), 4490)) AS wkb', [JSON.stringify(geom)]) as { rows: { wkb: string }[] }
    g = rows[0]
  } catch { g = undefined }
  if (!g) throw fieldError(field, 'not a GeoJSON geometry')
  const { rows } = await db.raw(`SELECT code, city_code FROM admin_division WHERE level = 'community' AND ST_Intersects(geom, ST_PointOnSurface(?::geometry))
    AND code LIKE ANY (?::text[]) ORDER BY code LIMIT 1`, [g.wkb, p.jurisdiction.patterns]) as { rows: { code: string; city_code: string }[] }
  if (!rows[0]) throw fieldError(field, 'outside your areas (no community of your jurisdiction holds it)')
  return { admin: rows[0].code, city: rows[0].city_code, wkb: g.wkb }
}

export async function createLocation(db: Db, p: Principal, b: z.output<typeof locationBody>, field = 'location'): Promise<{ id: number; admin: string; city: string }> {
  const place = await placeOf(db, p, b.location, field)
  const [r] = await db('sta_location').insert({ name: b.name, description: b.description, encoding_type: b.encodingType, geom: db.raw('?::geometry', [place.wkb]),
    properties: b.properties ?? null, admin_code: place.admin }).returning('id')
  return { id: idOf(r), admin: place.admin, city: place.city }
}

async function sensorOrRef(db: Db, p: Principal, v: z.output<typeof datastreamBody>['Sensor'], field: string) {
  if ('@iot.id' in v) return idOf(await mustSee(db, p, 'Sensors', v['@iot.id'], field))
  const [r] = await db('sta_sensor').insert({ name: v.name, description: v.description, encoding_type: v.encodingType, metadata: v.metadata, properties: v.properties ?? null }).returning('id')
  return idOf(r)
}
async function propertyOrRef(db: Db, p: Principal, v: z.output<typeof datastreamBody>['ObservedProperty'], field: string) {
  if ('@iot.id' in v) return idOf(await mustSee(db, p, 'ObservedProperties', v['@iot.id'], field))
  const [r] = await db('sta_observed_property').insert({ name: v.name, definition: v.definition, description: v.description, properties: v.properties ?? null }).returning('id')
  return idOf(r)
}

export async function createDatastream(db: Db, p: Principal, b: Omit<z.output<typeof datastreamBody>, 'Thing'>, thingId: number, prefix = ''): Promise<number> {
  const thing = await mustSee(db, p, 'Things', thingId, `${prefix}Thing`)
  const [r] = await db('sta_datastream').insert({
    name: b.name, description: b.description, observation_type: b.observationType, unit_of_measurement: b.unitOfMeasurement, properties: b.properties ?? null,
    thing_id: thingId, sensor_id: await sensorOrRef(db, p, b.Sensor, `${prefix}Sensor`),
    observed_property_id: await propertyOrRef(db, p, b.ObservedProperty, `${prefix}ObservedProperty`), admin_code: thing.admin_code,
  }).returning('id')
  return idOf(r)
}

export async function createThing(db: Db, p: Principal, b: z.output<typeof thingBody>): Promise<number> {
  const kind = await db('sensor_kind').where('code', b.properties.kind).first()
  if (!kind) {
    const kinds = (await db('sensor_kind').orderBy('code').pluck('code')).join(', ')
    throw fieldError('properties.kind', `not a device kind of the register (${kinds})`)
  }
  const loc = b.Locations[0]!
  let place: { id: number; admin: string; city: string }
  if ('@iot.id' in loc) {
    const row = await mustSee(db, p, 'Locations', loc['@iot.id'], 'Locations[0]')
    const city = await db('admin_division').where('code', String(row.admin_code)).first('city_code')
    place = { id: idOf(row), admin: String(row.admin_code), city: String(city.city_code) }
  } else {
    place = await createLocation(db, p, loc, 'Locations[0].location')
  }
  const [t] = await db('sta_thing').insert({ name: b.name, description: b.description, properties: b.properties, kind: kind.code, admin_code: place.admin, city_code: place.city }).returning('id')
  const id = idOf(t)
  await db('sta_thing_location').insert({ thing_id: id, location_id: place.id })
  await db('sta_historical_location').insert({ thing_id: id, location_id: place.id, time: new Date(), admin_code: place.admin })
  for (const [i, d] of b.Datastreams.entries()) await createDatastream(db, p, d, id, `Datastreams[${i}].`)
  return id
}

export async function createFeature(db: Db, p: Principal, b: z.output<typeof featureBody>): Promise<number> {
  const place = await placeOf(db, p, b.feature, 'feature')
  const [r] = await db('sta_feature_of_interest').insert({ name: b.name, description: b.description, encoding_type: b.encodingType,
    geom: db.raw('?::geometry', [place.wkb]), properties: b.properties ?? null, admin_code: place.admin }).returning('id')
  return idOf(r)
}

/** POST to a set (or to a navigation collection, `parent` naming the owner). Returns the new id. */
export async function createEntity(db: Knex, p: Principal, set: SetName, raw: unknown, parent?: { set: SetName; id: number }): Promise<number> {
  return db.transaction(async (tx) => {
    switch (set) {
      case 'Things': return createThing(tx, p, validate(thingBody, raw, 'Thing'))
      case 'Locations': {
        const loc = await createLocation(tx, p, validate(locationBody, raw, 'Location'))
        if (parent?.set === 'Things') await linkLocation(tx, p, parent.id, loc)
        return loc.id
      }
      case 'Sensors': return sensorOrRef(tx, p, validate(sensorBody, raw, 'Sensor'), 'Sensor')
      case 'ObservedProperties': return propertyOrRef(tx, p, validate(observedPropertyBody, raw, 'ObservedProperty'), 'ObservedProperty')
      case 'Datastreams': {
        const b = validate(datastreamBody, raw, 'Datastream')
        const thingId = parent?.set === 'Things' ? parent.id : b.Thing?.['@iot.id']
        if (thingId === undefined) throw fieldError('Thing', 'a Datastream needs its Thing')
        return createDatastream(tx, p, b, thingId)
      }
      case 'FeaturesOfInterest': return createFeature(tx, p, validate(featureBody, raw, 'FeatureOfInterest'))
      default: throw new AppError(405, 'method_not_allowed', `${set} are not created here`).coded('sensors.not_creatable', { set })
    }
  })
}

/** A Thing moved: its location changes and a HistoricalLocation records when. */
async function linkLocation(db: Db, p: Principal, thingId: number, loc: { id: number; admin: string }) {
  await mustSee(db, p, 'Things', thingId, 'Thing')
  await db('sta_thing_location').where('thing_id', thingId).delete()
  await db('sta_thing_location').insert({ thing_id: thingId, location_id: loc.id })
  await db('sta_historical_location').insert({ thing_id: thingId, location_id: loc.id, time: new Date(), admin_code: loc.admin })
}

const PATCHABLE: Partial<Record<SetName, string[]>> = {
  Things: ['name', 'description', 'properties'], Locations: ['name', 'description', 'properties'], Sensors: ['name', 'description', 'metadata', 'properties'],
  ObservedProperties: ['name', 'description', 'definition', 'properties'], Datastreams: ['name', 'description', 'properties'], FeaturesOfInterest: ['name', 'description', 'properties'],
}

export async function patchEntity(db: Knex, p: Principal, set: SetName, id: number, raw: unknown): Promise<void> {
  const b = validate(patchBody, raw, entitySets[set].singular)
  const allowed = PATCHABLE[set] ?? []
  for (const k of Object.keys(b)) if (!allowed.includes(k)) throw fieldError(k, `not a property of ${entitySets[set].singular} that can be changed`)
  if (set === 'Things' && b.properties && typeof b.properties.kind !== 'string') throw fieldError('properties.kind', 'a Thing keeps its kind')
  if (!await visible(db, p, set, id)) throw notFound(`no ${entitySets[set].singular} ${id}`).coded('sensors.not_found', { set, id })
  if (Object.keys(b).length) await db(entitySets[set].table).where('id', id).update(b)
}

export async function deleteEntity(db: Knex, p: Principal, set: SetName, id: number): Promise<void> {
  if (!await visible(db, p, set, id)) throw notFound(`no ${entitySets[set].singular} ${id}`).coded('sensors.not_found', { set, id })
  try {
    await db.transaction(async (tx) => {
      if (set === 'Datastreams') await tx('sta_observation').where('datastream_id', id).delete()
      if (set === 'Things') await tx('sta_observation').whereIn('datastream_id', tx('sta_datastream').where('thing_id', id).select('id')).delete()
      await tx(entitySets[set].table).where('id', id).delete()
    })
  } catch (err) {
    // 23503: a Sensor or ObservedProperty still used by a Datastream
    if ((err as { code?: string }).code === '23503') throw new AppError(409, 'in_use', `${entitySets[set].singular} ${id} is still used`).coded('sensors.in_use', { set, id })
    throw err
  }
}
