// GET /api/v1/reports/service-gaps/{year}?format=html|pdf&area=&reach=&minShare= — the yearly
// service-gap report (一年一体检报告): the check of server/service-gaps/ for the year, with a map per
// service of where it is lacking. Generated on request (the check reads the registers as they
// stand, so a stored copy would go stale). Rendered with the periodic reports' blocks, so tables
// and maps look the same in both; mounted by reportRoutes before its /{kind}/{period}.
import type Router from '@koa/router'
import PDFDocument from 'pdfkit'
import { z } from 'zod'
import type { AppContext } from '../context.ts'
import { principalOf, requireRole } from '../http/auth.ts'
import { validate } from '../http/validate.ts'
import { escapeXml } from '../http/errors.ts'
import { badParam } from '../analytics/filters.ts'
import { serviceGaps, serviceGapsQuery, type ServiceGapsAnswer } from '../service-gaps/gaps.ts'
import { SERVICE_GAP_READERS } from '../service-gaps/routes.ts'
import { serviceGapSections } from '../service-gaps/reportSections.ts'
import { shanghai } from './content.ts'
import { CSS, block } from './html.ts'
import { drawBlock, ensure } from './pdf.ts'
import { cjkFont } from './fonts.ts'
import { contentDisposition, sha256 } from './render.ts'
import type { Section } from './sections.ts'

export const SERVICE_GAP_FORMATS = ['html', 'pdf'] as const
export const serviceGapReportQuery = serviceGapsQuery.omit({ year: true, kinds: true }).extend({
  format: z.enum(SERVICE_GAP_FORMATS, { message: `must be one of ${SERVICE_GAP_FORMATS.join(', ')}` }).default('html')
    .describe('html (self-contained page, default) or pdf (A4, embedded Chinese font)'),
}).strict()

export function mountServiceGapReport(router: Router, app: AppContext): void {
  router.get('/service-gaps/:year', requireRole(...SERVICE_GAP_READERS), async (ctx) => {
    for (const [k, v] of Object.entries(ctx.query)) if (Array.isArray(v)) throw badParam(k, 'given more than once')
    const { format, ...rest } = validate(serviceGapReportQuery, ctx.query, 'query')
    const { year } = validate(serviceGapsQuery.pick({ year: true }).required(), { year: ctx.params.year }, 'path')
    const now = new Date()
    const a = await serviceGaps(app.knexRead, principalOf(ctx).jurisdiction, { ...rest, year }, { now, withShapes: true })
    const title = `${a.areaName ?? '辖区'}${a.year}年度公共服务体检报告`
    const sections = serviceGapSections(a)
    const content = format === 'html' ? Buffer.from(gapHtml(title, a, sections, now), 'utf8') : await gapPdf(title, a, sections, now)
    const etag = `"${sha256(content)}"`
    ctx.set('ETag', etag)
    // the content depends on the caller's jurisdiction: private, and revalidated each time
    ctx.set('Cache-Control', 'private, no-cache')
    ctx.set('X-Content-Type-Options', 'nosniff')
    const code = a.area ?? 'jurisdiction'
    ctx.set('Content-Disposition', contentDisposition(format, { ascii: `service-gaps-${code}-${a.year}.${format}`, utf8: `${title}.${format}` }))
    ctx.type = format === 'html' ? 'text/html; charset=utf-8' : 'application/pdf'
    ctx.body = content
  })
}

const meta = (a: ServiceGapsAnswer, now: Date) => {
  const g = shanghai(now)
  return `区域：${a.areaName ?? '本辖区'}${a.area ? `（${a.area}）` : ''} · 体检年度：${a.year} · 步行范围：${a.reach === null ? '按体检规则配置' : `${a.reach} 米`} · 生成时间：${g.date} ${g.hh}:${g.mm}`
}

function gapHtml(title: string, a: ServiceGapsAnswer, sections: Section[], now: Date): string {
  const body = sections.map((s) => `<section><h2>${escapeXml(s.title)}</h2>\n${s.blocks.map(block).join('\n')}</section>`)
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gridgov">
<title>${escapeXml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<div class="meta">${escapeXml(meta(a, now))}</div>
${body.join('\n')}
</body>
</html>
`
}

const MARGIN = 40

async function gapPdf(title: string, a: ServiceGapsAnswer, sections: Section[], now: Date): Promise<Buffer> {
  const font = cjkFont()
  const doc = new PDFDocument({
    size: 'A4', margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN }, bufferPages: true,
    info: { Title: title, Author: 'gridgov', Subject: `service gaps ${a.year}`, CreationDate: now },
  })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  // the names pdf.ts draws its blocks with
  doc.registerFont('cjk', font.regular, font.regularFace ?? '')
  doc.registerFont('cjk-bold', font.bold, font.boldFace ?? '')
  const width = doc.page.width - 2 * MARGIN
  doc.font('cjk-bold').fontSize(18).text(title, { align: 'center' })
  doc.moveDown(0.3).font('cjk').fontSize(9).fillColor('#666666').text(meta(a, now), { align: 'center' })
  doc.fillColor('#000000').moveDown(0.8)
  for (const s of sections) {
    ensure(doc, 60)
    doc.font('cjk-bold').fontSize(13).text(s.title, MARGIN, doc.y)
    doc.moveDown(0.3)
    for (const b of s.blocks) drawBlock(doc, b, width)
    doc.moveDown(0.6)
  }
  const pages = doc.bufferedPageRange()
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i)
    doc.page.margins.bottom = 0
    doc.font('cjk').fontSize(8).fillColor('#888888')
      .text(`${title} · 第 ${i + 1} 页 / 共 ${pages.count} 页`, MARGIN, doc.page.height - MARGIN + 12, { width, align: 'center', lineBreak: false })
  }
  doc.end()
  return done
}
