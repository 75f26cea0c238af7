// The map page at /: the static files of the Vite build in web-map/dist (built by
// `npm run build:web`, or by `npm start` through web-map/build.ts when missing or stale).
// The residents' page (H5, the build's second entry, dist/public-page/index.html) at /public/:
// it routes with the History API, so any /public/<path> without a file extension (a link to
// /public/follow/<number> shared or reloaded) answers the same page; the API stays under /api.
// The staff's mobile app (the third entry, dist/mobile/index.html) at /m/ the same way, with its
// web app manifest, icon and service worker (plain files in web-map/mobile/, not built: the
// worker's URL must stay stable for its scope /m/, which a hashed asset name would not).
// Only files listed at start-up are served: no request path ever reaches the file system.
// The page is locked to its own origin by a Content-Security-Policy, so a stray reference to a
// CDN, web font or internet base map fails loudly in the browser instead of leaking requests.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Router from '@koa/router'
import type { Context } from 'koa'
import { AppError } from '../server/http/errors.ts'

export const webMapDist = fileURLToPath(new URL('../web-map/dist/', import.meta.url))

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.woff2': 'font/woff2', '.map': 'application/json', '.webmanifest': 'application/manifest+json',
}

// data: for the empty favicon and OpenLayers' inline icons; blob: for canvases read back as images
// and for the live video (hls.js feeds the <video> through a MediaSource blob: URL)
export const PAGE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
  "font-src 'self'", "connect-src 'self'", "media-src 'self' blob:", "worker-src 'self' blob:", "object-src 'none'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'self'",
].join('; ')

/** URL path → file of the built page. */
export function listWebMapFiles(dist = webMapDist): Map<string, string> {
  const files = new Map<string, string>()
  if (!fs.existsSync(path.join(dist, 'index.html'))) return files
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`)
      else if (types[path.extname(e.name)]) files.set(`/${prefix}${e.name}`, path.join(d, e.name))
    }
  }
  walk(dist, '')
  files.set('/', files.get('/index.html')!)
  // the residents' page has one URL: /public/ (its build folder's name is not one)
  const residents = files.get(`/${PUBLIC_PAGE}`)
  for (const url of [...files.keys()]) if (url.startsWith('/public-page/')) files.delete(url)
  if (residents) files.set('/public/', residents)
  const mobile = files.get(`/${MOBILE_PAGE}`)
  for (const url of [...files.keys()]) if (url.startsWith('/mobile/')) files.delete(url)
  if (mobile) {
    files.set('/m/', mobile)
    for (const [url, name] of Object.entries(MOBILE_STATIC)) files.set(url, path.join(mobileSource, name))
  }
  return files
}

const PUBLIC_PAGE = 'public-page/index.html'
const MOBILE_PAGE = 'mobile/index.html'
const mobileSource = fileURLToPath(new URL('../web-map/mobile/', import.meta.url))
/** URL → file in web-map/mobile/ served as is */
const MOBILE_STATIC: Record<string, string> = { '/m/sw.js': 'sw.js', '/m/manifest.webmanifest': 'manifest.webmanifest', '/m/icon.svg': 'icon.svg' }
/** A client-side route of the staff's app (as the residents' page's). */
const MOBILE_ROUTE = /^\/m\/(?:[A-Za-z0-9_-]+\/)*[A-Za-z0-9_-]*$/
/** A client-side route of the residents' page: segments of letters, digits, - and _ (no extension). */
const PUBLIC_ROUTE = /^\/public\/(?:[A-Za-z0-9_-]+\/)*[A-Za-z0-9_-]*$/

function cacheControl(url: string): string {
  // Vite names every asset by a hash of its content: a changed file is a new URL
  if (url.startsWith('/assets/')) return 'public, max-age=31536000, immutable'
  return 'no-cache'
}

export function webMapRoutes(dist = webMapDist): Router {
  const files = listWebMapFiles(dist)
  const router = new Router()
  if (!files.size) {
    router.get('/', () => {
      throw new AppError(503, 'web_map_not_built', 'the map page is not built: run `npm run build:web` (`npm start` builds it when needed)')
    })
    return router
  }
  const serve = (ctx: Context, url: string, file: string) => {
    ctx.type = types[path.extname(file)] ?? 'application/octet-stream'
    ctx.set('Cache-Control', cacheControl(url))
    ctx.set('X-Content-Type-Options', 'nosniff')
    // a service worker runs under its script's CSP: the API's default-src 'none' would forbid its fetches
    if (file.endsWith('.html') || url === '/m/sw.js') {
      ctx.set('Content-Security-Policy', PAGE_CSP)
      ctx.set('Referrer-Policy', 'no-referrer')
    }
    ctx.body = fs.createReadStream(file)
  }
  for (const [url, file] of files) router.get(url, (ctx) => serve(ctx, url, file))
  const residents = files.get('/public/')
  if (residents) {
    router.get('/public', (ctx) => {
      ctx.status = 301
      ctx.redirect('/public/')
    })
    // the page's own routes (no extension): a missing file such as /public/x.js stays a 404
    router.get('/public/*rest', (ctx, next) => (PUBLIC_ROUTE.test(ctx.path) ? serve(ctx, '/public/', residents) : next()))
  }
  const mobile = files.get('/m/')
  if (mobile) {
    router.get('/m', (ctx) => {
      ctx.status = 301
      ctx.redirect('/m/')
    })
    router.get('/m/*rest', (ctx, next) => (MOBILE_ROUTE.test(ctx.path) ? serve(ctx, '/m/', mobile) : next()))
  }
  return router
}
