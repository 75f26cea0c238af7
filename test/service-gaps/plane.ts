// Hand-made road networks for the walk tests: points given in metres east and north of
// (116°, LAT), turned into lon/lat at a flat-earth scale, and segments whose length is the
// metres between their ends (the scale WalkNetwork itself uses at LAT).
import type { Segment } from '../../server/service-gaps/walk.ts'

export const LAT = 36.45
const KX = 111_320 * Math.cos(LAT * Math.PI / 180)
const KY = 111_320
/** metres east and north of (116°, LAT) → lon, lat */
export const at = (x: number, y: number): [number, number] => [116 + x / KX, LAT + y / KY]
export const seg = (x1: number, y1: number, x2: number, y2: number): Segment => {
  const [ax, ay] = at(x1, y1), [bx, by] = at(x2, y2)
  return { ax, ay, bx, by, length: Math.hypot(x2 - x1, y2 - y1) }
}
