// OpenAPI path of /api/v1/events/{number}/replay (spread into server/openapi/document.ts `paths`).
import { MAX_TRACK_DAYS, TRACK_SIMPLIFY_M } from './replay.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const eventReplayPaths = {
  '/api/v1/events/{number}/replay': {
    get: {
      summary: '复盘: one event\'s history, the handling members\' tracks and fence alerts, and the SLA clock on one timeline',
      description: 'For a player that plays, pauses and scrubs them together. history: every history row (seq, action, from, to, actor, at, ' +
        'comment). members: the member the event is assigned to and every member who acted on it, inside the caller\'s jurisdiction (a grid ' +
        `inspector sees only themselves): their devices, fixes, kilometres (geodesic), the track cut at gaps and simplified to ${TRACK_SIMPLIFY_M} m ` +
        `with each vertex's time, over the event's life (created to closed, or now; at most the last ${MAX_TRACK_DAYS} days: trackFrom), and their ` +
        'devices\' fence alerts in that window. clock: startedAt (dispatch), signDueAt, signedAt, handleDueAt (as it stands: an approved ' +
        'extension has moved it), stoppedAt (closing). timeline: every history row, alert and deadline in time order, by reference ' +
        '({ at, type: history|fenceAlert|deadline, index, member?, deadline? }). An event outside the jurisdiction answers 404.',
      parameters: [{ name: 'number', in: 'path', required: true, schema: { type: 'string', pattern: '^E[0-9]{12,16}$' } }],
      responses: {
        200: { description: '{ event, from, to, trackFrom, simplifyMetres, clock, history, members, timeline }', content: { 'application/json': { schema: { type: 'object' } } } },
        401: problem, 403: problem, 404: problem,
      },
    },
  },
}
