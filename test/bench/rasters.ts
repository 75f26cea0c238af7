// `npm run bench rasters`: raster tiles of an imported COG (issue 16 item 4; no speed target in
// the issue, so this is a figure to watch). Subject: what /tiles/raster/… does per tile — window
// read with geotiff.js at the matching overview, bilinear resampling, PNG encoding. Baseline:
// GDAL itself (python3-gdal, in one process, start-up not timed) warping the same tile windows of
// the same COG to 256×256 bilinear and writing PNGs in memory. Both sequential, tiles at the COG's
// zoom and the two above it. BENCH_RASTER_SIZE sets the source's side in pixels (default 4096).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { createCanvas } from '@napi-rs/canvas'
import { parseCrs } from '../../server/geo/crs.ts'
import { drawExtraLayers, type ExtraLayer } from '../../server/ogc/wms/layerSources.ts'
import { drawCog } from '../../server/rasters/reader.ts'
import type { BenchResult } from './harness.ts'
import { median, timed } from './support.ts'

const ROUNDS = 3
const R = 6378137

const PY_BASELINE = `
import sys, json, time
from osgeo import gdal
gdal.UseExceptions()
src, tiles = sys.argv[1], json.loads(sys.argv[2])
t0 = time.perf_counter()
for i, b in enumerate(tiles):
    ds = gdal.Warp('', src, format='MEM', outputBounds=b, width=256, height=256, resampleAlg='bilinear', dstSRS='EPSG:3857')
    gdal.Translate('/vsimem/t%d.png' % i, ds, format='PNG')
    gdal.Unlink('/vsimem/t%d.png' % i)
print(time.perf_counter() - t0)
`

function tileBox(z: number, x: number, y: number): [number, number, number, number] {
  const size = 2 * Math.PI * R / 2 ** z, half = Math.PI * R
  return [-half + x * size, half - (y + 1) * size, -half + (x + 1) * size, half - y * size]
}

export async function benchRasters(results: BenchResult[]): Promise<void> {
  const side = Number(process.env.BENCH_RASTER_SIZE ?? 4096)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-bench-raster-'))
  try {
    const src = path.join(dir, 'src.tif'), cog = path.join(dir, 'cog.tif')
    {
      // a patterned RGB source at ~1 m in EPSG:4490
      const body = Buffer.alloc(side * side * 3)
      for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) body.set([x & 255, y & 255, (x ^ y) & 255], (y * side + x) * 3)
      fs.writeFileSync(path.join(dir, 'src.ppm'), Buffer.concat([Buffer.from(`P6\n${side} ${side}\n255\n`), body]))
      execFileSync('gdal_translate', ['-q', '-a_srs', 'EPSG:4490', '-a_ullr', '117.2', '31.86', String(117.2 + side * 0.00001),
        String(31.86 - side * 0.00001), path.join(dir, 'src.ppm'), src])
    }
    execFileSync('gdal_translate', ['-q', '-of', 'COG', '-co', 'TILING_SCHEME=GoogleMapsCompatible', '-co', 'ZOOM_LEVEL_STRATEGY=UPPER',
      '-co', 'COMPRESS=DEFLATE', '-co', 'RESAMPLING=BILINEAR', src, cog])
    const zoom = Number(JSON.parse(execFileSync('gdalinfo', ['-json', cog], { encoding: 'utf8' })).metadata.TILING_SCHEME.ZOOM_LEVEL)
    const tiles: [number, number, number][] = []
    const [lon0, lat0, lon1, lat1] = [117.2, 31.86 - side * 0.00001, 117.2 + side * 0.00001, 31.86]
    const tx = (lon: number, z: number) => Math.floor(((lon + 180) / 360) * 2 ** z)
    const ty = (lat: number, z: number) => Math.floor((1 - Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)) / Math.PI) / 2 * 2 ** z)
    for (const z of [zoom, zoom - 1, zoom - 2]) {
      for (let x = tx(lon0, z); x <= tx(lon1, z); x++) for (let y = ty(lat1, z); y <= ty(lat0, z); y++) tiles.push([z, x, y])
    }
    const crs = parseCrs('EPSG:3857')
    const layer: ExtraLayer = { name: 'bench', title: 'bench', abstract: '', bbox: [lon0, lat0, lon1, lat1], version: cog,
      draw: (area) => drawCog(cog, { kind: 'ortho' }, area) }
    const ours = async () => {
      for (const [z, x, y] of tiles) {
        const canvas = createCanvas(256, 256)
        await drawExtraLayers(canvas, [layer], { crs, bbox: tileBox(z, x, y), width: 256, height: 256 })
        await canvas.encode('png')
      }
    }
    const gdal = () => Number(execFileSync('/usr/bin/python3', ['-c', PY_BASELINE, cog, JSON.stringify(tiles.map(([z, x, y]) => tileBox(z, x, y)))], { encoding: 'utf8' }).trim())
    await ours() // warm-up: JIT, the opened file
    const a: number[] = [], b: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      b.push(gdal())
      a.push(await timed(ours))
    }
    const subject = tiles.length / median(a), baseline = tiles.length / median(b)
    results.push({
      name: `raster tiles of a ${side}×${side} px COG (${tiles.length} tiles, z${zoom - 2}-${zoom})`, baseline: 'GDAL warp+PNG in process (python3-gdal)',
      subject: 'gridgov /tiles/raster drawing', metric: 'ops/s', baselineValue: baseline, subjectValue: subject, ratio: subject / baseline,
      target: 'none (figure to watch)', met: true, note: `median of ${ROUNDS}, sequential, one core`,
    })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
