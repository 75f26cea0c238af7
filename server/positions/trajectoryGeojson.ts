// The GeoJSON answer of /members/{id}/trajectory: a FeatureCollection (EPSG:4490 lon/lat) with a
// LineString per continuous piece (cut at gaps > 5 min) whose `times` give each vertex's
// instant, a Point per stop, and with includeFiltered a Point per filtered fix. The window's
// totals ride on the collection as foreign members (RFC 7946 §6.1).
import {
  coord, gapView, speedView, stopView, trackPieces, type Member, type Track, type TrackSummary,
} from './replay.ts'

export interface TrajectoryAnswer {
  member: Member; from: Date; to: Date; track: Track; summary: TrackSummary
  stopGrids: (string | null)[]; simplifyM: number; includeFiltered: boolean
}

export function trajectoryGeojson(a: TrajectoryAnswer) {
  const pieces = trackPieces(a.track.valid, a.simplifyM)
  const features: unknown[] = pieces.map(({ coordinates, ...stats }, piece) => ({
    type: 'Feature',
    // a piece of one fix has no line: it is shown as its point
    geometry: coordinates.length >= 2 ? { type: 'LineString', coordinates } : { type: 'Point', coordinates: coordinates[0] },
    properties: { kind: 'track', piece, vertices: coordinates.length, ...stats },
  }))
  a.summary.stops.forEach((s, index) => {
    const { lon, lat, ...props } = stopView(s, a.stopGrids[index] ?? null)
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { kind: 'stop', index, ...props } })
  })
  if (a.includeFiltered) {
    for (const f of a.track.filtered) {
      features.push({
        type: 'Feature', geometry: { type: 'Point', coordinates: coord(f.lon, f.lat) },
        properties: { kind: 'filtered', time: new Date(f.t).toISOString(), filter: f.filter, deviceId: f.deviceId, accuracy: f.accuracy },
      })
    }
  }
  return {
    type: 'FeatureCollection',
    member: { id: a.member.id, name: a.member.name, communityCode: a.member.communityCode },
    from: a.from.toISOString(), to: a.to.toISOString(), devices: a.track.devices,
    fixes: a.track.valid.length, filteredFixes: a.includeFiltered ? a.track.filtered.length : undefined,
    simplifyMetres: a.simplifyM, kilometres: Math.round(a.summary.kilometres * 1000) / 1000,
    speeds: speedView(a.summary.speeds), gaps: a.summary.gaps.map(gapView),
    features,
  }
}
