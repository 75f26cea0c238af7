// `npm run bench`: runs every benchmark, prints a table of ratios and writes bench-results/*.json.
// Use a real PostGIS (DATABASE_URL): the embedded one is 3-4× slower and is not what we tune for.
import os from 'node:os'
import { printTable, writeResults, type BenchResult } from './harness.ts'

const only = process.argv.slice(2)

// One entry per benchmark; each pushes BenchResult rows (ratio against a same-run baseline).
const benches: Record<string, (results: BenchResult[]) => Promise<void>> = {
  health: (r) => import('./health.ts').then((m) => m.benchHealth(r)),
  geocode: (r) => import('./geocode.ts').then((m) => m.benchGeocode(r)),
  tiles: (r) => import('./tiles.ts').then((m) => m.benchTiles(r)),
  addresses: (r) => import('./addresses.ts').then((m) => m.benchAddresses(r)),
  wms: (r) => import('./wms.ts').then((m) => m.benchWms(r)),
  wfs: (r) => import('./wfs.ts').then((m) => m.benchWfs(r)),
  events: (r) => import('./events.ts').then((m) => m.benchEvents(r)),
  'event-imports': (r) => import('./event-imports.ts').then((m) => m.benchEventImports(r)),
  integrations: (r) => import('./integrations.ts').then((m) => m.benchIntegrations(r)),
  fences: (r) => import('./fences.ts').then((m) => m.benchFences(r)),
  positions: (r) => import('./positions.ts').then((m) => m.benchPositions(r)),
  replay: (r) => import('./replay.ts').then((m) => m.benchReplay(r)),
  heatmap: (r) => import('./heatmap.ts').then((m) => m.benchHeatmap(r)),
  hotspots: (r) => import('./hotspots.ts').then((m) => m.benchHotspots(r)),
  indicators: (r) => import('./indicators.ts').then((m) => m.benchIndicators(r)),
  'first-view': (r) => import('./firstView.ts').then((m) => m.benchFirstView(r)),
  'field-frames': (r) => import('./fieldFrames.ts').then((m) => m.benchFieldFrames(r)),
  load: (r) => import('./load.ts').then((m) => m.benchLoad(r)),
  registers: (r) => import('./registers.ts').then((m) => m.benchRegisters(r)),
  peers: (r) => import('./peers.ts').then((m) => m.benchPeers(r)),
  knowledge: (r) => import('./knowledge.ts').then((m) => m.benchKnowledge(r)),
  offline: (r) => import('./offline.ts').then((m) => m.benchOffline(r)),
  wfst: (r) => import('./wfst.ts').then((m) => m.benchWfst(r)),
  rasters: (r) => import('./rasters.ts').then((m) => m.benchRasters(r)),
  classify: (r) => import('./classify.ts').then((m) => m.benchClassify(r)),
  config: (r) => import('./config.ts').then((m) => m.benchConfig(r)),
  forecasts: (r) => import('./forecasts.ts').then((m) => m.benchForecasts(r)),
  sensors: (r) => import('./sensors.ts').then((m) => m.benchSensors(r)),
  'mobile-app': (r) => import('./mobileApp.ts').then((m) => m.benchMobileApp(r)),
  'grid-quality': (r) => import('./gridQuality.ts').then((m) => m.benchGridQuality(r)),
}
const results: BenchResult[] = []
for (const [name, run] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue
  process.stderr.write(`bench: ${name}…\n`)
  await run(results)
}
printTable(results)
const file = writeResults(results, {
  database: process.env.DATABASE_URL ? 'external' : 'embedded', cpus: os.cpus().length, node: process.version,
})
console.log(`\nresults written to ${file}`)
