// Builds the map page (web-map/dist) when it is missing or older than its sources, so
// `npm start` on a fresh checkout serves a page without a separate build step
// (`prestart`: `tsx web-map/build.ts`). Run directly, it builds only when stale; `--force` always.
// The build goes to a temporary directory first and replaces dist in one rename, so a server
// starting meanwhile never lists a half-written dist.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const webMap = fileURLToPath(new URL('.', import.meta.url))
const repo = path.dirname(path.resolve(webMap))
export const distDir = path.join(webMap, 'dist')

/** Newest modification time of the pages' sources (the map's, the residents', the staff app's) and of the OpenLayers and Vite they are built with. */
function newestSource(): number {
  let newest = 0
  const visit = (p: string) => {
    if (!fs.existsSync(p)) return
    const st = fs.statSync(p)
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e))
    else newest = Math.max(newest, st.mtimeMs)
  }
  for (const p of ['index.html', 'vite.config.ts', 'src', 'public-page', 'mobile']) visit(path.join(webMap, p))
  for (const pkg of ['ol', 'vite']) visit(path.join(repo, 'node_modules', pkg, 'package.json'))
  return newest
}

/** True when dist lacks a page (the map's, the residents' or the staff app's) or a source changed after it was built. */
export function isStale(): boolean {
  const page = path.join(distDir, 'index.html')
  return !fs.existsSync(page) || !fs.existsSync(path.join(distDir, 'public-page', 'index.html')) ||
    !fs.existsSync(path.join(distDir, 'mobile', 'index.html')) ||
    fs.statSync(page).mtimeMs < newestSource()
}

/** Runs `vite build` with web-map/vite.config.ts into dist. */
export async function buildWebMap(): Promise<void> {
  let vite: typeof import('vite')
  try {
    vite = await import('vite')
  } catch {
    throw new Error('web-map/dist is missing or stale and vite is not installed: run `npm install` (with dev dependencies) or build the page elsewhere')
  }
  const config = (await import('./vite.config.ts')).default
  const tmp = path.join(webMap, `.dist-${process.pid}-${Date.now()}`)
  // vite build sets process.env.NODE_ENV = 'production' for the rest of the process: in a test
  // run (or the service building at start) that would turn every later config into production's
  const nodeEnv = process.env.NODE_ENV
  try {
    await vite.build(vite.mergeConfig(config, { configFile: false, build: { outDir: tmp, emptyOutDir: true } }))
    fs.rmSync(distDir, { recursive: true, force: true })
    fs.renameSync(tmp, distDir)
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = nodeEnv
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

let pending: Promise<boolean> | undefined

/** Builds when stale; resolves true when it built. Concurrent callers in one process share one build. */
export function buildIfStale(): Promise<boolean> {
  pending ??= (async () => {
    if (!isStale()) return false
    await buildWebMap()
    return true
  })().finally(() => { pending = undefined })
  return pending
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const force = process.argv.includes('--force')
  const started = Date.now()
  const run = force ? buildWebMap().then(() => true) : buildIfStale()
  run.then((built) => {
    console.log(built ? `web-map: built web-map/dist in ${((Date.now() - started) / 1000).toFixed(1)} s` : 'web-map: web-map/dist is up to date')
  }, (err: Error) => {
    console.error(`web-map: build failed: ${err.message}`)
    process.exitCode = 1
  })
}
