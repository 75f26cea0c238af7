// Binary spatial weights for Gi* as a sparse neighbour list (CSR): the H3 disk of radius k around
// each study cell, the cell itself included, restricted to the study cells. A dense n×n matrix
// would make Gi* quadratic; a disk has at most 3k(k+1)+1 cells, so this is linear in n.
//
// The fast path places every cell on H3's local IJ lattice around one origin and looks the
// disk's offsets up in a flat array: no strings per neighbour, no hash map (gridDisk + a string
// Map grew superlinearly, 2.6× the time at 2n cells). Lattice adjacency is real adjacency, so a
// row that finds its full disk (3k(k+1)+1 cells) is complete. Any other row (the area's edge, a
// pentagon's missing wedge, where the lattice has a seam) is redone with gridDisk, each cell found
// checked by its own coordinates; if H3 gives no local coordinates or two cells share a place,
// the whole list is built with gridDisk.
import { cellToLocalIj, gridDisk } from 'h3-js'
import type { NeighbourList } from './gistar.ts'

export const MIN_K = 1
export const MAX_K = 5

/** Neighbours of `cells[i]` within grid distance k, as indices into `cells`, each list ascending. */
export function h3DiskNeighbours(cells: readonly string[], k: number): NeighbourList {
  if (!Number.isInteger(k) || k < 0 || k > MAX_K) throw new Error(`bad disk radius ${k}`)
  return latticeNeighbours(cells, k) ?? diskNeighbours(cells, k)
}

/** The plain way: gridDisk per cell, looked up in a Map of the study cells. */
export function diskNeighbours(cells: readonly string[], k: number): NeighbourList {
  const index = new Map<string, number>()
  cells.forEach((c, i) => index.set(c, i))
  if (index.size !== cells.length) throw new Error('study cells must be distinct')
  return build(cells.length, (i, row) => {
    for (const c of gridDisk(cells[i]!, k)) {
      const j = index.get(c)
      if (j !== undefined) row.push(j)
    }
  })
}

/** Offsets (di, dj) of a disk of radius k on the IJ lattice (axes 120° apart). */
function diskOffsets(k: number): [number, number][] {
  const out: [number, number][] = []
  for (let di = -k; di <= k; di++) {
    for (let dj = -k; dj <= k; dj++) if ((Math.abs(di) + Math.abs(dj) + Math.abs(di - dj)) / 2 <= k) out.push([di, dj])
  }
  return out
}

/** The lattice way, or null when it does not apply (no local coordinates, a distorted lattice). */
export function latticeNeighbours(cells: readonly string[], k: number): NeighbourList | null {
  const n = cells.length
  if (n === 0) return { offsets: new Int32Array(1), indices: new Int32Array(0) }
  const origin = cells[0]!
  const is = new Int32Array(n), js = new Int32Array(n)
  let i0 = Infinity, i1 = -Infinity, j0 = Infinity, j1 = -Infinity
  try {
    for (let c = 0; c < n; c++) {
      const { i, j } = cellToLocalIj(origin, cells[c]!)
      is[c] = i; js[c] = j
      i0 = Math.min(i0, i); i1 = Math.max(i1, i); j0 = Math.min(j0, j); j1 = Math.max(j1, j)
    }
  } catch {
    return null
  }
  const w = i1 - i0 + 1, h = j1 - j0 + 1
  if (w * h > 16 * n + 1024) return null // a sparse, spread-out area: the flat array would be mostly empty
  const at = new Int32Array(w * h).fill(-1)
  for (let c = 0; c < n; c++) {
    const slot = (is[c]! - i0) * h + (js[c]! - j0)
    if (at[slot] !== -1) return null // two cells in one place (or a duplicate): not a lattice here
    at[slot] = c
  }
  const slotOf = (i: number, j: number) => (i < i0 || i > i1 || j < j0 || j > j1 ? -1 : at[(i - i0) * h + (j - j0)]!)
  const offsets = diskOffsets(k)
  let distorted = false
  const list = build(n, (c, row) => {
    for (const [di, dj] of offsets) {
      const found = slotOf(is[c]! + di, js[c]! + dj)
      if (found !== -1) row.push(found)
    }
    if (row.length === offsets.length || distorted) return
    row.length = 0
    for (const d of gridDisk(cells[c]!, k)) {
      let ij: { i: number; j: number }
      try {
        ij = cellToLocalIj(origin, d)
      } catch {
        continue // no local coordinates: not a study cell (every study cell has them)
      }
      const found = slotOf(ij.i, ij.j)
      if (found === -1) continue
      if (cells[found] === d) row.push(found)
      else distorted = true // another cell sits at d's place
    }
  })
  return distorted ? null : list
}

/** CSR from a row filler; each row sorted ascending. */
function build(n: number, fill: (i: number, row: number[]) => void): NeighbourList {
  const offsets = new Int32Array(n + 1)
  let indices = new Int32Array(Math.max(16, n * 7))
  let used = 0
  const row: number[] = []
  for (let i = 0; i < n; i++) {
    row.length = 0
    fill(i, row)
    row.sort((a, b) => a - b)
    if (used + row.length > indices.length) {
      const grown = new Int32Array(Math.max(indices.length * 2, used + row.length))
      grown.set(indices)
      indices = grown
    }
    for (const j of row) indices[used++] = j
    offsets[i + 1] = used
  }
  return { offsets, indices: indices.slice(0, used) }
}
