// The report as PDF (pdfkit): the same sections as the HTML page, tables drawn as text grids and
// the ECharts / map SVGs drawn as vectors through svg-to-pdfkit, every text in the embedded CJK
// font (fonts.ts, subset by pdfkit to the characters used).
import PDFDocument from 'pdfkit'
import SVGtoPDF from 'svg-to-pdfkit'
import type { ReportData } from './content.ts'
import { shanghai } from './content.ts'
import { cjkFont } from './fonts.ts'
import { reportSections, type Block, type Cell } from './sections.ts'

const MARGIN = 40
const FONT = 'cjk'
const BOLD = 'cjk-bold'

export async function reportPdf(r: ReportData): Promise<Buffer> {
  const font = cjkFont()
  const doc = new PDFDocument({
    size: 'A4', margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN }, bufferPages: true,
    info: { Title: r.title, Author: 'gridgov', Subject: `${r.period.kind} ${r.period.label}`, CreationDate: r.generatedAt },
  })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  doc.registerFont(FONT, font.regular, font.regularFace ?? '')
  doc.registerFont(BOLD, font.bold, font.boldFace ?? '')
  const width = doc.page.width - 2 * MARGIN
  const g = shanghai(r.generatedAt)
  doc.font(BOLD).fontSize(18).text(r.title, { align: 'center' })
  doc.moveDown(0.3).font(FONT).fontSize(9).fillColor('#666666')
    .text(`区域：${r.areaName}（${r.areaCodes.join('、')}） · 报告期：${r.period.label} · 生成时间：${g.date} ${g.hh}:${g.mm}`, { align: 'center' })
  doc.fillColor('#000000').moveDown(0.8)
  for (const s of reportSections(r)) {
    ensure(doc, 60)
    doc.font(BOLD).fontSize(13).text(s.title, MARGIN, doc.y)
    doc.moveDown(0.3)
    for (const b of s.blocks) drawBlock(doc, b, width)
    doc.moveDown(0.6)
  }
  const pages = doc.bufferedPageRange()
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i)
    // the footer lies in the bottom margin: without this pdfkit would start a new page for it
    doc.page.margins.bottom = 0
    doc.font(FONT).fontSize(8).fillColor('#888888')
      .text(`${r.title} · 第 ${i + 1} 页 / 共 ${pages.count} 页`, MARGIN, doc.page.height - MARGIN + 12, { width, align: 'center', lineBreak: false })
  }
  doc.end()
  return done
}

/** A new page unless `height` points are left. */
export function ensure(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage()
}

export function drawBlock(doc: PDFKit.PDFDocument, b: Block, width: number): void {
  if (b.kind === 'para') {
    doc.font(FONT).fontSize(10).fillColor('#000000').text(b.text, MARGIN, doc.y, { width, lineGap: 2 })
    doc.moveDown(0.4)
  } else if (b.kind === 'table') {
    drawTable(doc, b.head, b.rows, width)
  } else {
    drawSvg(doc, b.svg, width)
  }
}

function svgSize(svg: string): { w: number; h: number } {
  const w = Number(/<svg[^>]*?\swidth="([\d.]+)"/.exec(svg)?.[1] ?? 600)
  const h = Number(/<svg[^>]*?\sheight="([\d.]+)"/.exec(svg)?.[1] ?? 300)
  return { w, h }
}

function drawSvg(doc: PDFKit.PDFDocument, svg: string, width: number): void {
  const { w, h } = svgSize(svg)
  const scale = Math.min(1, width / w, (doc.page.height - 2 * MARGIN) / h)
  ensure(doc, h * scale)
  const x = MARGIN + (width - w * scale) / 2
  const y = doc.y
  // svg-to-pdfkit sizes the drawing by the root's width / height: scale those (the viewBox keeps the content)
  const scaled = svg.replace(/<svg\b[^>]*>/, (tag) => tag
    .replace(/\swidth="[\d.]+"/, ` width="${(w * scale).toFixed(2)}"`).replace(/\sheight="[\d.]+"/, ` height="${(h * scale).toFixed(2)}"`))
    // a text halo (stroke under the fill, paint-order) would be drawn over the text: drop it
    .replace(/<text\b[^>]*\bpaint-order="stroke"[^>]*>/g, (t) => t.replace(/\s(stroke|stroke-width|paint-order|stroke-miterlimit)="[^"]*"/g, ''))
  SVGtoPDF(doc, scaled, x, y, {
    width: w * scale, height: h * scale, assumePt: true,
    fontCallback: (_family, bold) => (bold ? BOLD : FONT),
  })
  doc.x = MARGIN
  doc.y = y + h * scale + 6
}

const ROW = 15
const FONT_SIZE = 8

function drawTable(doc: PDFKit.PDFDocument, head: string[], rows: Cell[][], width: number): void {
  doc.font(FONT).fontSize(FONT_SIZE)
  // columns as wide as their widest text, scaled to the page
  const natural = head.map((h, i) => Math.max(doc.widthOfString(h), ...rows.map((r) => doc.widthOfString(r[i]?.text ?? ''))) + 8)
  const sum = natural.reduce((a, b) => a + b, 0)
  const widths = natural.map((n) => (n * width) / Math.max(sum, width * 0.6))
  const line = (cells: { text: string; num?: boolean }[], header: boolean) => {
    ensure(doc, ROW)
    const y = doc.y
    let x = MARGIN
    cells.forEach((c, i) => {
      const w = widths[i]!
      if (header) doc.rect(x, y, w, ROW).fillAndStroke('#dce6f1', '#ccd3dc')
      else doc.rect(x, y, w, ROW).strokeColor('#ccd3dc').stroke()
      doc.fillColor('#000000').font(header ? BOLD : FONT).fontSize(FONT_SIZE)
        .text(c.text, x + 3, y + 3.5, { width: w - 6, align: c.num ? 'right' : 'left', lineBreak: false, ellipsis: true })
      x += w
    })
    doc.x = MARGIN
    doc.y = y + ROW
  }
  ensure(doc, 2 * ROW) // never a header alone at the foot of a page
  line(head.map((text) => ({ text })), true)
  for (const r of rows) {
    if (doc.y + ROW > doc.page.height - MARGIN) { doc.addPage(); line(head.map((text) => ({ text })), true) }
    line(r, false)
  }
  doc.moveDown(0.5)
}
