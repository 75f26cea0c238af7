// `npm run bench wfs`: the WFS rows of the peers bench (peers.ts) — GetFeature of 1,000
// components as GeoJSON and as GML 3.2, gridgov against MapServer 8 and QGIS Server 3.22 as
// FastCGI behind nginx, after checking that all three answer the same features.
import type { BenchResult } from './harness.ts'
import { benchPeers } from './peers.ts'

export const benchWfs = (results: BenchResult[]): Promise<void> => benchPeers(results, ['wfs'])
