// OpenAPI paths of /api/v1/registers (spread into server/openapi/document.ts `paths`).
import { queryParameters } from '../openapi/zod.ts'
import { exportQuery, importQuery, viewQuery } from './routes.ts'
import { REGISTER_IMPORT_MAX_BYTES } from './upload.ts'
import { MAX_IMPORT_ROWS } from './sheet.ts'
import { XLSX_MAX_INFLATED_BYTES } from './zipGuard.ts'

const problem = { $ref: '#/components/responses/Problem' }
const name = { name: 'name', in: 'path', required: true, description: 'the register: residents, houses, places, units …', schema: { type: 'string', pattern: '^[a-z][a-z-]{1,39}$' } }
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export const registerPaths = {
  '/api/v1/registers': {
    get: {
      summary: 'The registers the caller may read (实有人口, 实有房屋, 重点场所 …): columns, their types and Chinese titles, and whether the caller may write',
      responses: { 200: { description: '{ items: [{ name, title, path, layer?, canWrite, gridView, columns: [{ name, title, type, required, readOnly, list, options?, personal?, maxLength? }] }] }' }, 401: problem, 403: problem },
    },
  },
  '/api/v1/registers/mine': {
    get: {
      summary: '一员多格: every base grid the grid inspector serves, each with its registers (counts, stale counts, rows stale first)',
      parameters: queryParameters(viewQuery),
      responses: { 200: { description: '{ staleDays, total, stale, grids: [{ grid: { code, name, communityCode }, total, stale, registers: [{ name, title, total, stale, items }] }] }' }, 400: problem, 401: problem, 403: problem },
    },
  },
  '/api/v1/registers/grids/{code}': {
    get: {
      summary: 'Everything registered in one current base grid (residents, houses, places …): counts, rows not verified within staleDays (default 90), rows stale first',
      parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]{15}$' } }, ...queryParameters(viewQuery)],
      responses: { 200: { description: '{ grid, staleDays, total, stale, registers: [{ name, title, layer?, total, stale, items }] }' }, 400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
  '/api/v1/registers/{name}/import': {
    post: {
      summary: 'Import an xlsx workbook (first sheet) or a CSV file (UTF-8 or GBK) into a register: all or nothing, every problem named by row and field; dryRun validates only',
      description: `Headers are the columns' Chinese titles or field names (an export's second header row of field names is skipped). Cells are typed by column ` +
        '(dates from Excel serials or text, enums by value or title, booleans 是/否). Formula cells and text a spreadsheet would run (=, +, -, @ not followed by a number, ' +
        `DDE calls) are refused. At most ${REGISTER_IMPORT_MAX_BYTES / 1024 / 1024} MiB (413), ${MAX_IMPORT_ROWS} rows, an xlsx inflating to at most ` +
        `${XLSX_MAX_INFLATED_BYTES / 1024 / 1024} MiB. 422: the report with problems [{ row, field, title, code, message }] (first 2,000; problemCount all); nothing written.`,
      parameters: [name, ...queryParameters(importQuery)],
      requestBody: { required: true, content: { [XLSX]: { schema: { type: 'string', format: 'binary' } }, 'text/csv': { schema: { type: 'string' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
      responses: { 200: { description: '{ register, format, encoding?, dryRun, rows, inserted, updated, valid, ignoredColumns, problems: [], problemCount: 0 }' },
        400: problem, 401: problem, 403: problem, 404: problem, 413: problem, 415: problem, 422: problem },
    },
  },
  '/api/v1/registers/{name}/export': {
    get: {
      summary: 'Export a register as xlsx (default) or CSV: the caller\'s jurisdiction, personal fields as the masking rule shows them, formulas neutralised',
      parameters: [name, ...queryParameters(exportQuery)],
      responses: { 200: { description: 'the file (two header rows: titles, field names); X-Row-Count', content: { [XLSX]: { schema: { type: 'string', format: 'binary' } }, 'text/csv': { schema: { type: 'string' } } } },
        400: problem, 401: problem, 403: problem, 404: problem },
    },
  },
}
