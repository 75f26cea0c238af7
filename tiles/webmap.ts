// The map page at /: the static files of the Vite build in web-map/dist (built by
// `npm run build:web`, or by `npm start` through web-map/build.ts when missing or stale).
// Only files listed at start-up are served: no request path ever reaches the file system.
// The page is locked to its own origin by a Content-Security-Policy, so a stray reference to a
// CDN, web font or internet base map fails loudly in the browser instead of leaking requests.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Router from '@koa/router'
import { AppError } from '../server/http/errors.ts'

export const webMapDist = fileURLToPath(new URL('../web-map/dist/', import.meta.url))

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.woff2': 'font/woff2', '.map': 'application/json',
}

// data: for the empty favicon and OpenLayers' inline icons; blob: for canvases read back as images
export const PAGE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
  "font-src 'self'", "connect-src 'self'", "worker-src 'self' blob:", "object-src 'none'",
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
  return files
}

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
  for (const [url, file] of files) {
    router.get(url, (ctx) => {
      ctx.type = types[path.extname(file)] ?? 'application/octet-stream'
      ctx.set('Cache-Control', cacheControl(url))
      ctx.set('X-Content-Type-Options', 'nosniff')
      if (file.endsWith('.html')) {
        ctx.set('Content-Security-Policy', PAGE_CSP)
        ctx.set('Referrer-Policy', 'no-referrer')
      }
      ctx.body = fs.createReadStream(file)
    })
  }
  return router
}
