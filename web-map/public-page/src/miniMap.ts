// A small map to confirm where a report is: the city's and districts' outlines (the public
// /api/v1/public/outline, CGCS2000 lon/lat, the same as WGS84 to within a metre or so) drawn as
// SVG, a pin at the phone's position and a tap to move it. No OpenLayers and no base map tiles:
// the residents' page stays a small download, and the point it sends is WGS84 (crs EPSG:4326)
// whether it came from navigator.geolocation or from a tap.
const SVG = 'http://www.w3.org/2000/svg'
const W = 360
const H = 240

type Ring = [number, number][]
interface OutlineFeature {
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] }
  properties: { code: string; level: string; name: string; label: [number, number] }
}

let outline: Promise<OutlineFeature[]> | undefined

function loadOutline(): Promise<OutlineFeature[]> {
  outline ??= fetch('/api/v1/public/outline', { headers: { Accept: 'application/geo+json' } })
    .then((r) => (r.ok ? r.json() as Promise<{ features: OutlineFeature[] }> : { features: [] }))
    .then((fc) => fc.features ?? [])
    .catch(() => { outline = undefined; return [] })
  return outline
}

const polygons = (f: OutlineFeature): Ring[][] => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates)

function inRing(ring: Ring, x: number, y: number): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

function contains(f: OutlineFeature, lon: number, lat: number): boolean {
  return polygons(f).some((p) => inRing(p[0]!, lon, lat) && !p.slice(1).some((hole) => inRing(hole, lon, lat)))
}

export interface MiniMap {
  element: HTMLElement
  /** Shows the point (and the accuracy circle in metres) and fits the district holding it. */
  show(lon: number, lat: number, accuracy?: number | null): Promise<void>
  /** Without a position (location refused): the whole city, for a tap to place the pin. */
  showCity(): Promise<void>
  /** The district's name holding the point, '' outside every district. */
  areaName(): string
}

/** The map; onPick receives a tapped point (lon/lat, WGS84). */
export function miniMap(onPick: (lon: number, lat: number) => void): MiniMap {
  const box = document.createElement('div')
  box.className = 'minimap'
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`)
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', '位置示意图：点按可调整位置')
  box.append(svg)
  const hint = document.createElement('p')
  hint.className = 'minimap-hint'
  hint.textContent = '示意图：点按区域内可微调位置'
  box.append(hint)

  // view: lon/lat of the centre and degrees of longitude per SVG unit
  let view = { lon: 0, lat: 0, scale: 1, k: 1 }
  let area = ''
  let features: OutlineFeature[] = []
  const project = (lon: number, lat: number): [number, number] =>
    [W / 2 + (lon - view.lon) * view.k / view.scale, H / 2 - (lat - view.lat) / view.scale]
  const unproject = (x: number, y: number): [number, number] =>
    [view.lon + (x - W / 2) * view.scale / view.k, view.lat - (y - H / 2) * view.scale]

  function fit(minLon: number, minLat: number, maxLon: number, maxLat: number): void {
    const lat = (minLat + maxLat) / 2
    const k = Math.cos(lat * Math.PI / 180)
    const scale = Math.max(((maxLon - minLon) * k) / (W - 24), (maxLat - minLat) / (H - 24), 1e-5)
    view = { lon: (minLon + maxLon) / 2, lat, scale, k }
  }

  function fitTo(f: OutlineFeature): void {
    const b = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number]
    for (const p of polygons(f)) {
      for (const [x, y] of p[0]!) {
        b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y)
      }
    }
    fit(...b)
  }

  function draw(lon: number | null, lat: number | null, accuracy: number | null | undefined): void {
    svg.replaceChildren()
    for (const f of features) {
      const d = polygons(f).map((p) => p.map((ring) => `M${ring.map(([x, y]) => project(x, y).map((v) => v.toFixed(1)).join(',')).join('L')}Z`).join('')).join('')
      const path = document.createElementNS(SVG, 'path')
      path.setAttribute('d', d)
      path.setAttribute('class', f.properties.level === 'city' ? 'mm-city' : f.properties.name === area ? 'mm-district mm-here' : 'mm-district')
      svg.append(path)
    }
    for (const f of features) {
      if (f.properties.level !== 'district') continue
      const [x, y] = project(...f.properties.label)
      if (x < 0 || x > W || y < 0 || y > H) continue
      const t = document.createElementNS(SVG, 'text')
      t.setAttribute('x', x.toFixed(1))
      t.setAttribute('y', y.toFixed(1))
      t.setAttribute('class', 'mm-label')
      t.textContent = f.properties.name
      svg.append(t)
    }
    if (lon === null || lat === null) return
    const [px, py] = project(lon, lat)
    if (accuracy && accuracy > 0) {
      const r = accuracy / 111_320 / view.scale
      if (r > 3) {
        const c = document.createElementNS(SVG, 'circle')
        c.setAttribute('cx', px.toFixed(1))
        c.setAttribute('cy', py.toFixed(1))
        c.setAttribute('r', Math.min(r, W).toFixed(1))
        c.setAttribute('class', 'mm-accuracy')
        svg.append(c)
      }
    }
    const pin = document.createElementNS(SVG, 'circle')
    pin.setAttribute('cx', px.toFixed(1))
    pin.setAttribute('cy', py.toFixed(1))
    pin.setAttribute('r', '7')
    pin.setAttribute('class', 'mm-pin')
    svg.append(pin)
    box.dataset.lon = lon.toFixed(6)
    box.dataset.lat = lat.toFixed(6)
  }

  svg.addEventListener('click', (e) => {
    if (!features.length) return
    const r = svg.getBoundingClientRect()
    const [lon, lat] = unproject(((e.clientX - r.left) / r.width) * W, ((e.clientY - r.top) / r.height) * H)
    area = features.find((f) => f.properties.level === 'district' && contains(f, lon, lat))?.properties.name ?? ''
    draw(lon, lat, null)
    onPick(lon, lat)
  })

  return {
    element: box,
    areaName: () => area,
    async show(lon, lat, accuracy) {
      features = await loadOutline()
      const here = features.find((f) => f.properties.level === 'district' && contains(f, lon, lat))
      area = here?.properties.name ?? ''
      const frame = here ?? features.find((f) => f.properties.level === 'city' && contains(f, lon, lat))
      if (frame) {
        fitTo(frame)
      } else {
        fit(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01) // outside the city: the point and ~1 km around it
      }
      draw(lon, lat, accuracy)
      box.hidden = false
    },
    async showCity() {
      features = await loadOutline()
      const city = features.find((f) => f.properties.level === 'city')
      if (!city) return
      fitTo(city)
      draw(null, null, null)
      box.hidden = false
    },
  }
}
