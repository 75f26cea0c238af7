// Vite build of the map page: web-map/index.html → web-map/dist, served by gridgov at /, and of
// the residents' page (H5): web-map/public-page/index.html → web-map/dist/public-page, served at
// /public/ (tiles/webmap.ts). Two entries of one build: they share /assets/ and the CSP, but the
// residents' page imports no OpenLayers (its chunk stays small on a phone). The staff's mobile app
// (web-map/mobile/index.html → dist/mobile, served at /m/) is the third entry, equally free of OpenLayers.
// `npm run build:web` uses this file; web-map/build.ts passes the same config to vite's API.
// During development `npx vite --config web-map/vite.config.ts` proxies the API and the tiles
// to a gridgov started with `npm start` (GRIDGOV_URL, default http://127.0.0.1:3000).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))
const backend = process.env.GRIDGOV_URL ?? 'http://127.0.0.1:3000'

export default defineConfig({
  root,
  base: '/',
  // the page has no static extras: everything it loads is imported by src/main.ts
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // OpenLayers alone is ~600 kB unminified; the page is one chunk by design
    chunkSizeWarningLimit: 1024,
    // every asset is a file of our origin (the page's CSP has no data: for scripts or styles)
    assetsInlineLimit: 0,
    rollupOptions: {
      input: { main: `${root}index.html`, public: `${root}public-page/index.html`, mobile: `${root}mobile/index.html` },
    },
  },
  server: {
    proxy: { '/api': backend, '/tiles': backend },
  },
  plugins: [{
    // in development too, /public/<route> is the residents' page (the server does this in production)
    name: 'residents-page-routes',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        if (req.url && /^\/public(\/[A-Za-z0-9_/-]*)?(\?.*)?$/.test(req.url)) req.url = '/public-page/index.html'
        else if (req.url && /^\/m(\/[A-Za-z0-9_/-]*)?(\?.*)?$/.test(req.url)) req.url = '/mobile/index.html'
        next()
      })
    },
  }],
})
