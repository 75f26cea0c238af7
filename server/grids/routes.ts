// /api/v1/grids: base and industry grids as GeoJSON (EPSG:4490 lon/lat): list, read, history,
// create, change, split, merge, retire, member assignments, dry-run check and export; and
// /api/v1/communities/{code}/coverage. Reads are limited to the caller's jurisdiction and any
// signed-in role may read; writes need an editing role and a place inside the jurisdiction.
// A grid outside the jurisdiction answers 404 like a missing one (codes cannot be probed); a
// write naming a community outside it answers 403 (the caller named the place, nothing leaks).
import Router from '@koa/router'
import type { Context } from 'koa'
import type { AppContext } from '../context.ts'
import { notFound } from '../http/errors.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import type { Role } from '../auth/roles.ts'
import { inputCrs, lineFromInput, polygonFromInput } from './geometryInput.ts'
import { toCandidates, inputProblemsError } from './candidates.ts'
import { coverage, getGrid, gridVersions, listGrids, toFeature } from './repository.ts'
import { dryRun } from './dryRun.ts'
import { gridSizing } from './sizing.ts'
import { createGrid, mergeGrids, retireGrid, splitGrid, updateAttributes, updateGeometry, type SplitBy } from './versioning.ts'
import { listMembers, removeMember, replaceMembers } from './assignments.ts'
import * as s from './schemas.ts'
import { exportGrids } from '../import/export.ts'

/** Roles that may edit grids (inside their jurisdiction). Inspectors, departments and systems read. */
export const GRID_WRITERS: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'gis_analyst']

const writer = requireRole(...GRID_WRITERS)

function codeOf(ctx: Context): string {
  return validate(s.gridCode, ctx.params.code, 'grid code')
}

export function gridRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/v1' })
  router.use(requireRole())
  const { knex } = app

  router.get('/grids', async (ctx) => {
    const q = validate(s.listQuery, ctx.query, 'query')
    const features = await listGrids(knex, principalOf(ctx).jurisdiction, q)
    ctx.type = 'application/geo+json'
    ctx.body = { type: 'FeatureCollection', numberReturned: features.length, limit: q.limit, offset: q.offset, features }
  })

  // Registered before /grids/:code so "export" is never read as a code.
  router.get('/grids/export', async (ctx) => {
    const q = validate(s.exportQuery, ctx.query, 'query')
    ctx.type = 'application/geo+json'
    ctx.set('Content-Disposition', 'attachment; filename="grids.geojson"')
    ctx.body = await exportGrids(knex, principalOf(ctx).jurisdiction, q)
  })

  // Dry run: judges a Feature or FeatureCollection against every rule, writes nothing; an edit
  // is judged with the grids it replaces closed, and gaps left to the neighbours come as warnings.
  router.post('/grids/check', async (ctx) => {
    const { crs, replaces, assignCodes } = validate(s.checkQuery, ctx.query, 'query')
    const body = ctx.request.body as { type?: unknown } | undefined
    const collection = body?.type === 'FeatureCollection'
      ? validate(s.collectionBody, body, 'GeoJSON FeatureCollection')
      : { features: [validate(s.featureBody, body, 'GeoJSON Feature')], crs: (body as { crs?: unknown }).crs }
    const { candidates, problems } = toCandidates(collection.features, inputCrs(crs, collection.crs))
    if (problems.length) throw inputProblemsError(problems)
    ctx.body = await dryRun(knex, principalOf(ctx), candidates, { replaces: replaces ?? [], assignCodes: assignCodes ?? false })
  })

  router.post('/grids', writer, async (ctx) => {
    const { crs } = validate(s.crsQuery, ctx.query, 'query')
    const body = validate(s.featureBody, ctx.request.body, 'GeoJSON Feature')
    const { candidates, problems } = toCandidates([body], inputCrs(crs, body.crs))
    if (problems.length) throw inputProblemsError(problems)
    const c = candidates[0]!
    const feature = await createGrid(knex, principalOf(ctx), { ...c, code: c.code || undefined }, body.properties)
    ctx.status = 201
    ctx.set('Location', `/api/v1/grids/${feature.id}`)
    ctx.type = 'application/geo+json'
    ctx.body = feature
  })

  // Registered before /grids/:code so "sizing" is never read as a code. Advice for the editors:
  // grids outside 300-500 households or far from the median workload, with split and merge
  // candidates that pass the topology rules (sizing.ts).
  router.get('/grids/sizing', writer, async (ctx) => {
    ctx.body = await gridSizing(knex, principalOf(ctx), validate(s.sizingQuery, ctx.query, 'query'))
  })

  router.post('/grids/merge', writer, async (ctx) => {
    const body = validate(s.mergeBody, ctx.request.body, 'merge request')
    ctx.body = await mergeGrids(knex, principalOf(ctx), body.codes, body)
  })

  router.get('/grids/:code', async (ctx) => {
    const code = codeOf(ctx)
    const { version } = validate(s.readQuery, ctx.query, 'query')
    const row = await getGrid(knex, principalOf(ctx).jurisdiction, code, version)
    if (!row) throw notFound(`no grid ${code}${version ? ` version ${version}` : ''} in your jurisdiction`)
    ctx.type = 'application/geo+json'
    ctx.body = toFeature(row)
  })

  router.get('/grids/:code/versions', async (ctx) => {
    const code = codeOf(ctx)
    const features = await gridVersions(knex, principalOf(ctx).jurisdiction, code)
    if (!features.length) throw notFound(`no grid ${code} in your jurisdiction`)
    ctx.type = 'application/geo+json'
    ctx.body = { type: 'FeatureCollection', features }
  })

  // With a geometry: a boundary change (new version). Without: attributes change in place.
  router.patch('/grids/:code', writer, async (ctx) => {
    const code = codeOf(ctx)
    const { crs } = validate(s.crsQuery, ctx.query, 'query')
    const body = validate(s.patchBody, ctx.request.body, 'GeoJSON Feature')
    const principal = principalOf(ctx)
    const attrs = { ...body.properties, userValues: body.properties }
    const feature = body.geometry === undefined || body.geometry === null
      ? await updateAttributes(knex, principal, code, attrs)
      : await updateGeometry(knex, principal, code, polygonFromInput(body.geometry, inputCrs(crs, body.crs)), attrs)
    ctx.type = 'application/geo+json'
    ctx.body = feature
  })

  router.delete('/grids/:code', writer, async (ctx) => {
    ctx.body = await retireGrid(knex, principalOf(ctx), codeOf(ctx))
  })

  router.post('/grids/:code/split', writer, async (ctx) => {
    const code = codeOf(ctx)
    const { crs } = validate(s.crsQuery, ctx.query, 'query')
    const body = validate(s.splitBody, ctx.request.body, 'split request')
    const c = inputCrs(crs, body.crs)
    const by: SplitBy = 'line' in body
      ? { line: lineFromInput(body.line, c) }
      : { parts: [polygonFromInput(body.parts[0], c), polygonFromInput(body.parts[1], c)] }
    ctx.body = await splitGrid(knex, principalOf(ctx), code, by, [body.names?.[0], body.names?.[1]])
  })

  router.get('/grids/:code/members', async (ctx) => {
    ctx.body = { items: await listMembers(knex, principalOf(ctx), codeOf(ctx)) }
  })

  router.put('/grids/:code/members', writer, async (ctx) => {
    const code = codeOf(ctx)
    const body = validate(s.membersBody, ctx.request.body, 'members')
    await replaceMembers(knex, principalOf(ctx), code, body.members)
    ctx.body = { items: await listMembers(knex, principalOf(ctx), code) }
  })

  router.delete('/grids/:code/members/:memberId', writer, async (ctx) => {
    const memberId = validate(s.memberIdParam, ctx.params.memberId, 'member id')
    await removeMember(knex, principalOf(ctx), codeOf(ctx), memberId)
    ctx.status = 204
  })

  router.get('/communities/:code/coverage', async (ctx) => {
    const code = validate(s.adminCode, ctx.params.code, 'community code')
    const report = principalOf(ctx).jurisdiction.covers(code) ? await coverage(knex, code) : undefined
    if (!report) throw notFound(`no community ${code} in your jurisdiction`)
    ctx.body = report
  })

  return router
}

