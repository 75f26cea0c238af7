// OpenAPI paths of the video patrol rounds and the live-stream files (spread into cameraPaths).
import { queryParameters, schemaOf } from '../openapi/zod.ts'
import { checkSchema, patrolCreateSchema, patrolListQuery } from './patrolSchemas.ts'

const problem = { $ref: '#/components/responses/Problem' }
const patrolId = { name: 'patrolId', in: 'path', required: true, schema: { type: 'integer', minimum: 1 }, description: 'video patrol round id' }
const round = 'id, name, shiftDate, shift (day | night), assignee {userId, name}, stops, checked, findings, status (open | done), createdAt'
const stop = 'seq, camera {id, name, kind, lon, lat, communityCode}, state (pending | normal | finding), note, eventNumber, checkedAt, checkedBy'
const who = 'A round is visible to its member and to callers whose jurisdiction holds every camera of it; another answers 404.'

export const patrolPaths = {
  '/api/v1/cameras/patrols': {
    get: {
      summary: 'Video patrol rounds (视频巡查) the caller may see, newest shift first, with their progress',
      description: `{items, limit, offset}; items: ${round}. assignee=me: the caller's own. ${who}`,
      parameters: queryParameters(patrolListQuery),
      responses: { 200: { description: '{items, limit, offset}' }, 400: problem, 401: problem, 403: problem },
    },
    post: {
      summary: 'Assign a round of cameras (checked in the order given) for one shift to a member',
      description: 'Every camera must lie in the caller\'s jurisdiction (else 400 naming cameraIds.<i>) and the member (assigneeId: ' +
        'centre, district, street or community staff) must see them all (else 400 naming assigneeId). Writers: the command centre, district, street and community staff.',
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(patrolCreateSchema) } } },
      responses: { 201: { description: `the round: ${round}, items: ${stop}` }, 400: problem, 401: problem, 403: problem, 413: problem },
    },
  },
  '/api/v1/cameras/patrols/{patrolId}': {
    get: {
      summary: 'One video patrol round with its cameras in order',
      parameters: [patrolId],
      responses: { 200: { description: `the round: ${round}, items: ${stop}` }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/cameras/patrols/{patrolId}/stops/{seq}': {
    post: {
      summary: 'The member checks one camera of the round (in order): normal, or a finding that becomes an event with the snapshot attached',
      description: 'A finding is reported through intake on the video_patrol channel (视频巡查) at finding.location or the camera\'s point, ' +
        'with `snapshot` (the frame seen, a JPEG/PNG data URL from the page\'s canvas, ≤ 1.5 MB) attached at stage intake, in one transaction. ' +
        'Only the member the round is assigned to (403); a stop checked already or out of turn is a 409 naming seq.',
      parameters: [patrolId, { name: 'seq', in: 'path', required: true, schema: { type: 'integer', minimum: 1, maximum: 100 } }],
      requestBody: { required: true, content: { 'application/json': { schema: schemaOf(checkSchema) } } },
      responses: { 200: { description: `the round (${round}), stop, eventNumber null` }, 201: { description: 'the round, stop and the new eventNumber (Location: the event)' },
        400: problem, 401: problem, 403: problem, 404: problem, 409: problem, 413: problem, 415: problem },
    },
  },
  '/api/v1/cameras/{id}/live/{ticket}/{file}': {
    get: {
      summary: 'A file of a camera\'s HLS stream (playlist or segment) through this server: the `live` path of the play answer',
      description: 'No bearer: the ticket from POST /api/v1/cameras/{id}/play stands for its user for 4 hours (the player follows the playlist\'s relative URIs). ' +
        'The user must still see the camera. Playlists are rewritten so that every URI comes back here; only .m3u8, .ts, .m4s, .mp4, .aac and .vtt are served.',
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
        { name: 'ticket', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'file', in: 'path', required: true, schema: { type: 'string' }, description: 'a file under the stream\'s directory (a nested path URL-encoded)' },
      ],
      responses: { 200: { description: 'the file (application/vnd.apple.mpegurl, video/mp2t …)' }, 400: problem, 403: problem, 404: problem, 409: problem, 502: problem, 504: problem },
    },
  },
}
