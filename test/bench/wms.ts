// `npm run bench wms`: the WMS rows of the peers bench (peers.ts) — GetMap 256² PNG uncached (a
// different BBOX every request) and repeated, gridgov against MapServer 8 and QGIS Server 3.22 as
// FastCGI behind nginx (MapServer also behind nginx's cache), after the image equality checks.
import type { BenchResult } from './harness.ts'
import { benchPeers } from './peers.ts'

export const benchWms = (results: BenchResult[]): Promise<void> => benchPeers(results, ['wms'])
