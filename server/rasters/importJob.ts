// One raster import, all or nothing: inspect the source, build every served file in a scratch
// directory, then in one transaction register the rows, and only after that move the files into
// place. A refusal or failure at any step removes the scratch directory and registers nothing.
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import { AppError, badRequest } from '../http/errors.ts'
import { requireGdal } from './gdal.ts'
import { inspectRaster, RASTER_KINDS, type RasterKind } from './inspect.ts'
import { buildCog, buildHillshade, sourcePath, type BuiltFile } from './build.ts'
import { getRaster, insertRaster, RASTER_DIR, type NewRaster } from './store.ts'

export const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,50}$/
export const HILLSHADE_SUFFIX = '-hillshade'

export interface RasterImport {
  /** The uploaded or named file (a raster, or a zip of one raster with its sidecars). */
  input: string
  name: string
  kind: RasterKind
  title?: string | undefined
  createdBy: string
  /** Names taken by other WMS layers (the catalogue's ids). */
  reserved: ReadonlySet<string>
}

export interface RasterReport {
  name: string
  kind: RasterKind
  format: string
  sourceCrs: string
  size: [number, number]
  bands: number
  resolution: number
  extent: [number, number, number, number]
  /** The registered rows: the raster, and for a DEM its hillshade. */
  registered: { name: string; kind: string; file: string; bytes: number; width: number; height: number; crs: 'EPSG:3857'; layout: 'COG' }[]
}

export function checkName(name: string, reserved: ReadonlySet<string>, field = 'name'): void {
  if (!NAME_PATTERN.test(name)) {
    throw badRequest(`${field} must be 1-51 characters: a lower-case letter, then letters, digits, _ or -`).coded('rasters.bad_name', { field })
  }
  if (reserved.has(name) || reserved.has(name + HILLSHADE_SUFFIX) || name.endsWith(HILLSHADE_SUFFIX)) {
    throw new AppError(409, 'conflict', `name ${name} is taken by another map layer (or ends in ${HILLSHADE_SUFFIX}, kept for hillshades)`)
      .coded('rasters.name_taken', { name })
  }
}

export async function importRaster(knex: Knex, dataDir: string, job: RasterImport): Promise<RasterReport> {
  if (!RASTER_KINDS.includes(job.kind)) throw badRequest(`kind must be one of ${RASTER_KINDS.join(', ')}`).coded('rasters.bad_kind', { field: 'kind' })
  checkName(job.name, job.reserved)
  await requireGdal()
  if (await getRaster(knex, job.name)) {
    throw new AppError(409, 'conflict', `a raster named ${job.name} exists; delete it first to replace it`).coded('rasters.name_taken', { name: job.name })
  }
  const dir = path.resolve(dataDir, RASTER_DIR)
  fs.mkdirSync(dir, { recursive: true })
  const scratch = fs.mkdtempSync(path.join(dir, '.import-'))
  const moved: string[] = []
  try {
    const source = await sourcePath(job.input)
    const found = await inspectRaster(source, job.kind)
    const stem = `${job.name}-${randomBytes(4).toString('hex')}`
    const built: [string, RasterKind | 'hillshade', BuiltFile][] = [[job.name, job.kind, await buildCog(source, found, job.kind, path.join(scratch, `${stem}.tif`))]]
    if (job.kind === 'dem') built.push([job.name + HILLSHADE_SUFFIX, 'hillshade', await buildHillshade(source, found, scratch, path.join(scratch, `${stem}${HILLSHADE_SUFFIX}.tif`))])
    const rows: NewRaster[] = built.map(([name, kind, f]) => ({
      name, kind, parent: kind === 'hillshade' ? job.name : null,
      title: kind === 'hillshade' ? `${job.title ?? job.name} 晕渲` : job.title ?? job.name,
      minlon: found.extent[0], minlat: found.extent[1], maxlon: found.extent[2], maxlat: found.extent[3],
      resolution: found.resolution, source_crs: found.crs, source_format: found.format, crs: 'EPSG:3857',
      file: `${RASTER_DIR}/${path.basename(f.path)}`, bytes: f.bytes, width: f.width, height: f.height, bands: f.bands,
      min_value: f.min ?? null, max_value: f.max ?? null, created_by: job.createdBy,
    }))
    await knex.transaction(async (trx) => {
      for (const r of rows) await insertRaster(trx, r)
      // the files go into place inside the transaction: a failed move rolls the rows back
      for (const [, , f] of built) {
        const target = path.join(dir, path.basename(f.path))
        fs.renameSync(f.path, target)
        moved.push(target)
      }
    }).catch((err: unknown) => {
      for (const m of moved) fs.rmSync(m, { force: true })
      if ((err as { code?: string }).code === '23505') {
        throw new AppError(409, 'conflict', `a raster named ${job.name} exists; delete it first to replace it`).coded('rasters.name_taken', { name: job.name })
      }
      throw err
    })
    return {
      name: job.name, kind: job.kind, format: found.format, sourceCrs: found.crs, size: found.info.size, bands: found.bands,
      resolution: Number(found.resolution.toFixed(3)), extent: found.extent,
      registered: rows.map((r) => ({ name: r.name, kind: r.kind, file: r.file, bytes: Number(r.bytes), width: r.width, height: r.height, crs: 'EPSG:3857', layout: 'COG' })),
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
}
