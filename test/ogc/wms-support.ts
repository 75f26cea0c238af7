// Helpers of the WMS tests: decoding images, comparing them with golden PNGs within a tolerance,
// reading exception reports, and facts about the demo city taken from the database.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCanvas, loadImage } from '@napi-rs/canvas'
import { XMLParser } from 'fast-xml-parser'
import { expect } from 'chai'
import type { Knex } from 'knex'
import type { Response } from 'light-my-request'

export const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url))

export interface Pixels { width: number; height: number; data: Uint8ClampedArray }

/** Decodes a PNG or JPEG into RGBA pixels. */
export async function decode(bytes: Buffer): Promise<Pixels> {
  const image = await loadImage(bytes)
  const canvas = createCanvas(image.width, image.height)
  const ctx = canvas.getContext('2d')
  ctx.drawImage(image, 0, 0)
  const { data } = ctx.getImageData(0, 0, image.width, image.height)
  return { width: image.width, height: image.height, data }
}

export function pixel(p: Pixels, x: number, y: number): [number, number, number, number] {
  const i = (y * p.width + x) * 4
  return [p.data[i]!, p.data[i + 1]!, p.data[i + 2]!, p.data[i + 3]!]
}

/** How many pixels differ from `background` (RGBA) by more than `tolerance` on some channel. */
export function countPainted(p: Pixels, background: [number, number, number, number], tolerance = 8): number {
  let n = 0
  for (let i = 0; i < p.data.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(p.data[i + c]! - background[c]!) > tolerance) {
        n++
        break
      }
    }
  }
  return n
}

/** Share of pixels differing by more than `tolerance` on some channel (same size required). */
export function diffRatio(a: Pixels, b: Pixels, tolerance = 24): number {
  expect([a.width, a.height]).to.deep.equal([b.width, b.height])
  let n = 0
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(a.data[i + c]! - b.data[i + c]!) > tolerance) {
        n++
        break
      }
    }
  }
  return n / (a.width * a.height)
}

/**
 * Compares a rendered PNG with test/ogc/golden/<name>.png: at most `maxRatio` of the pixels may
 * differ by more than a small tolerance (anti-aliasing may vary across Skia builds). With
 * UPDATE_GOLDEN=1 the golden file is (re)written instead.
 */
export async function expectGolden(name: string, png: Buffer, maxRatio = 0.01): Promise<void> {
  const file = path.join(GOLDEN_DIR, `${name}.png`)
  if (process.env.UPDATE_GOLDEN === '1' || !fs.existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`golden image ${file} missing: run with UPDATE_GOLDEN=1`)
    fs.mkdirSync(GOLDEN_DIR, { recursive: true })
    fs.writeFileSync(file, png)
    return
  }
  const ratio = diffRatio(await decode(png), await decode(fs.readFileSync(file)))
  expect(ratio, `${name}: ${(ratio * 100).toFixed(2)}% of pixels differ from the golden image`).to.be.at.most(maxRatio)
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', removeNSPrefix: true, parseTagValue: false })

export function parseXmlDoc(text: string): Record<string, unknown> {
  return xml.parse(text) as Record<string, unknown>
}

/** Asserts a WMS ServiceExceptionReport with the code (and locator) and returns it. */
export function expectServiceException(res: Response, code: string, locator?: string, version = '1.3.0'): void {
  expect(res.headers['content-type'], res.body.slice(0, 300)).to.match(/^text\/xml/)
  expect(res.body).to.contain('<ServiceExceptionReport')
  const doc = parseXmlDoc(res.body) as { ServiceExceptionReport: { '@version': string; ServiceException: { '@code': string; '@locator'?: string } } }
  expect(doc.ServiceExceptionReport['@version']).to.equal(version)
  expect(doc.ServiceExceptionReport.ServiceException['@code'], res.body).to.equal(code)
  if (locator) expect(doc.ServiceExceptionReport.ServiceException['@locator']).to.equal(locator)
}

/** The storage lon/lat extent of the current base grids under an admin code prefix (test data facts). */
export async function gridExtent(knex: Knex, prefix: string): Promise<[number, number, number, number]> {
  const { rows } = await knex.raw(
    `SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom) e FROM grid
      WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE ?) s`, [`${prefix}%`])
  const r = rows[0]
  return [Number(r.x0), Number(r.y0), Number(r.x1), Number(r.y1)]
}

/** A base grid of a street (9-digit prefix) with a point inside it. */
export async function gridInStreet(knex: Knex, streetPrefix: string): Promise<{ code: string; lon: number; lat: number }> {
  const { rows } = await knex.raw(
    `SELECT code, ST_X(p) lon, ST_Y(p) lat FROM (SELECT code, ST_PointOnSurface(geom) p FROM grid
      WHERE kind = 'base' AND valid_to IS NULL AND community_code LIKE ? ORDER BY code LIMIT 1) s`, [`${streetPrefix}%`])
  return { code: rows[0].code, lon: Number(rows[0].lon), lat: Number(rows[0].lat) }
}

export const WHITE: [number, number, number, number] = [255, 255, 255, 255]
export const CLEAR: [number, number, number, number] = [0, 0, 0, 0]
