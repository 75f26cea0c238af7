/* global self, caches, fetch, URL, Response */
// Service worker of the staff's app (scope /m/): the app shell works without a network.
// Pages are network-first (a new build is seen at once when online, the last one offline);
// /assets/ files are content-hashed, so cache-first is safe. The API is never cached here:
// what is done offline is queued by the app itself (IndexedDB), not replayed by the worker.
const CACHE = 'gridgov-m-v1'
// The shell: the page and every /assets/ file it names (the page loaded before this worker
// took control fetched them past it, so they would be missing offline otherwise).
async function cacheShell() {
  const c = await caches.open(CACHE)
  const res = await fetch('/m/', { cache: 'no-cache' })
  if (!res.ok) return
  const html = await res.clone().text()
  await c.put('/m/', res)
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1])
  await c.addAll([...new Set([...assets, '/m/manifest.webmanifest', '/m/icon.svg'])])
}
self.addEventListener('install', (e) => {
  e.waitUntil(cacheShell().then(() => self.skipWaiting()))
})
self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()))
})
self.addEventListener('fetch', (e) => {
  const req = e.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== self.location.origin) return
  if (req.mode === 'navigate' && url.pathname.startsWith('/m/')) {
    e.respondWith(fetch(req).then((res) => {
      // the newest page is the shell; the assets it names are cached as it loads them (below)
      if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put('/m/', copy)) }
      return res
    }).catch(() => caches.match('/m/').then((r) => r || Response.error())))
    return
  }
  if (url.pathname.startsWith('/assets/') || url.pathname === '/m/manifest.webmanifest' || url.pathname === '/m/icon.svg') {
    e.respondWith(caches.match(req).then((hit) => hit || fetch(req).then((res) => {
      if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(req, copy)) }
      return res
    })))
  }
})
