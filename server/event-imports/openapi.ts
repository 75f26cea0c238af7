// OpenAPI path of /api/v1/event-imports (spread into server/openapi/document.ts `paths`).
import { queryParameters } from '../openapi/zod.ts'
import { EVENT_IMPORT_MAX_BYTES, importQuery } from './routes.ts'

const problem = { $ref: '#/components/responses/Problem' }

export const eventImportPaths = {
  '/api/v1/event-imports': {
    post: {
      summary: 'Import historic events from a CSV or GeoJSON file: all or nothing, every bad record listed; dryRun validates only',
      description: 'CSV (UTF-8 with or without BOM, GBK/GB18030; columns 案卷号/ref, 渠道/channel, 诉求类型, 小类代码/class_code, 问题描述, 经度+纬度 or x/y, ' +
        '上报时间/reported_at, 状态/status (default closed), 结案时间/closed_at, 满意度, 地址) or a GeoJSON FeatureCollection of Points. ' +
        `At most ${EVENT_IMPORT_MAX_BYTES / 1024 / 1024} MiB. Re-importing a record (same ref, or same content) writes nothing.`,
      parameters: queryParameters(importQuery),
      requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } }, 'application/geo+json': { schema: { type: 'object' } } } },
      responses: { 200: { description: 'the import report: records, written, skipped, problems' }, 400: problem, 401: problem, 403: problem,
        413: problem, 415: problem, 422: { description: 'the report listing every bad record (line, field, reason); nothing written' } },
    },
  },
}
