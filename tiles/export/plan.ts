// Which tiles an export renders. Two steps, cheapest first:
// 1. the bound: tiles of the area's extent per zoom, plain arithmetic, checked against the
//    limit before anything touches the database (and the source of the suggested max zoom);
// 2. the plan: tiles whose buffered extent touches the bbox of at least one feature of the
//    exported layers inside the jurisdiction. The tile SQL selects rows by exactly that test
//    (`t.geom && buffered tile envelope`), so every tile left out is a tile that renders empty,
//    and the bbox pass costs one cheap query per layer instead of three queries per empty tile.
import type { Knex } from 'knex'
import type { LayerDef } from '../catalogue.ts'
import type { Jurisdiction } from '../../server/db/jurisdiction.ts'
import { tileKindAt } from '../layersql.ts'
import { BUFFER, EXTENT, rangeSize, tileCount, tilesTouching, type BBox, type TileCoord } from '../tilemath.ts'
import { zxyToTileId } from './pmtiles.ts'

export interface PlannedTile extends TileCoord {
  /** PMTiles (Hilbert) tile id. */
  id: number
}

/** One pixel more than the tile buffer: Node's Mercator and PostGIS's may differ in the last bits. */
const PLAN_BUFFER = (BUFFER + 1) / EXTENT

/** Tiles covering a bbox at each zoom of the range (index 0 is minZoom). */
export function extentTileCounts(bbox: BBox, minZoom: number, maxZoom: number): number[] {
  const counts: number[] = []
  for (let z = minZoom; z <= maxZoom; z++) counts.push(rangeSize(tilesTouching(bbox, z, 0)))
  return counts
}

/** The highest max zoom whose cumulative count stays within the limit, or undefined if none does. */
export function suggestMaxZoom(counts: number[], minZoom: number, limit: number): number | undefined {
  let sum = 0
  let best: number | undefined
  counts.forEach((c, i) => {
    sum += c
    if (sum <= limit) best = minZoom + i
  })
  return best
}

/** The bboxes (EPSG:4490) of a layer's features inside the jurisdiction: the layer's own row filter. */
export async function featureBoxes(knex: Knex, layer: LayerDef, jurisdiction: Jurisdiction): Promise<BBox[]> {
  if (jurisdiction.isEmpty) return []
  const rows: { xmin: number; ymin: number; xmax: number; ymax: number }[] = await knex({ t: layer.table })
    .select(knex.raw('ST_XMin(t.geom) AS xmin, ST_YMin(t.geom) AS ymin, ST_XMax(t.geom) AS xmax, ST_YMax(t.geom) AS ymax'))
    .whereRaw(layer.where)
    .whereRaw('?? LIKE ANY(?::text[])', [`t.${layer.adminColumn}`, jurisdiction.patterns])
    .whereNotNull('t.geom')
  return rows.map((r) => [r.xmin, r.ymin, r.xmax, r.ymax])
}

export class PlanTooLarge extends Error {
  constructor(readonly zoom: number) {
    super(`the tile plan exceeds its limit at z${zoom}`)
  }
}

/**
 * The tiles to render, ascending by tile id (the order the archive is written in). At each
 * zoom only the layers drawn at that zoom count. Throws PlanTooLarge past `limit` tiles.
 */
export function planTiles(boxes: Map<LayerDef, BBox[]>, minZoom: number, maxZoom: number, limit: number): PlannedTile[] {
  const plan: PlannedTile[] = []
  for (let z = minZoom; z <= maxZoom; z++) {
    const n = tileCount(z)
    const seen = new Set<number>()
    for (const [layer, list] of boxes) {
      if (!tileKindAt(layer, z)) continue
      for (const box of list) {
        const r = tilesTouching(box, z, PLAN_BUFFER)
        for (let x = r.minX; x <= r.maxX; x++) {
          for (let y = r.minY; y <= r.maxY; y++) seen.add(x * n + y)
        }
        if (plan.length + seen.size > limit) throw new PlanTooLarge(z)
      }
    }
    const zoomTiles = [...seen].map((k) => {
      const x = Math.floor(k / n)
      const y = k - x * n
      return { z, x, y, id: zxyToTileId(z, x, y) }
    })
    plan.push(...zoomTiles.sort((a, b) => a.id - b.id))
  }
  return plan
}
