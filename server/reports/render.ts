// One report in one format: bytes, media type, file name and digest.
import { createHash } from 'node:crypto'
import type { ReportData } from './content.ts'
import { KIND_NAMES, periodName } from './content.ts'
import { reportHtml } from './html.ts'
import { reportPdf } from './pdf.ts'
import { reportXlsx } from './xlsx.ts'

export const FORMATS = ['html', 'xlsx', 'pdf'] as const
export type Format = typeof FORMATS[number]
export const MEDIA_TYPES: Record<Format, string> = {
  html: 'text/html; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
}

export interface Rendered { content: Buffer; sha256: string }

export async function render(r: ReportData, format: Format): Promise<Rendered> {
  const content = format === 'html' ? Buffer.from(reportHtml(r), 'utf8') : format === 'xlsx' ? await reportXlsx(r) : await reportPdf(r)
  return { content, sha256: sha256(content) }
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** 示范市-2026年11月-月报.xlsx, with an ASCII twin for old clients: report-990100000000-monthly-2026-11.xlsx */
export function fileNames(areaName: string, areaCode: string, r: { kind: keyof typeof KIND_NAMES; label: string; from: Date; to: Date }, format: Format, partial: boolean): { ascii: string; utf8: string } {
  const safe = (s: string) => s.replace(/[\\/:*?"<>|\s（）()]+/g, '')
  return {
    ascii: `report-${areaCode}-${r.kind}-${r.label}${partial ? '-partial' : ''}.${format}`,
    utf8: `${safe(areaName)}-${safe(periodName(r))}-${KIND_NAMES[r.kind]}${partial ? '-截至生成时' : ''}.${format}`,
  }
}

/** Content-Disposition with the UTF-8 name (RFC 6266 / 8187 filename*) and the ASCII fallback. */
export function contentDisposition(format: Format, names: { ascii: string; utf8: string }): string {
  const type = format === 'html' ? 'inline' : 'attachment'
  const encoded = encodeURIComponent(names.utf8).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${type}; filename="${names.ascii}"; filename*=UTF-8''${encoded}`
}
