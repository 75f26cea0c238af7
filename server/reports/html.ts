// The report as one self-contained HTML page: inline CSS and inline SVG charts and map, no script,
// nothing loaded from elsewhere (it can be mailed or archived as it is).
import { escapeXml } from '../http/errors.ts'
import type { ReportData } from './content.ts'
import { shanghai } from './content.ts'
import { FONT_STACK } from './fonts.ts'
import { reportSections, type Block } from './sections.ts'

export const CSS = `
body { font-family: ${FONT_STACK}; color: #222; max-width: 820px; margin: 24px auto; padding: 0 16px; line-height: 1.6; }
h1 { font-size: 22px; text-align: center; margin-bottom: 4px; }
.meta { text-align: center; color: #666; font-size: 13px; margin-bottom: 24px; }
h2 { font-size: 17px; border-left: 4px solid #2f6fb5; padding-left: 8px; margin-top: 28px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #ccd3dc; padding: 3px 6px; }
th { background: #dce6f1; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0; text-align: center; }
figure svg { max-width: 100%; height: auto; }
`

export function block(b: Block): string {
  if (b.kind === 'para') return `<p>${escapeXml(b.text)}</p>`
  if (b.kind === 'figure') return `<figure>${b.svg}${b.caption ? `<figcaption>${escapeXml(b.caption)}</figcaption>` : ''}</figure>`
  const head = `<tr>${b.head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`
  const rows = b.rows.map((r) => `<tr>${r.map((c) =>
    `<td${c.num ? ' class="n"' : ''}${c.key ? ` data-key="${escapeXml(c.key)}"` : ''}>${escapeXml(c.text)}</td>`).join('')}</tr>`)
  return `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`
}

export function reportHtml(r: ReportData): string {
  const g = shanghai(r.generatedAt)
  const body = reportSections(r).map((s) => `<section><h2>${escapeXml(s.title)}</h2>\n${s.blocks.map(block).join('\n')}</section>`)
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gridgov">
<title>${escapeXml(r.title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(r.title)}</h1>
<div class="meta">区域：${escapeXml(r.areaName)}（${r.areaCodes.join('、')}） · 报告期：${r.period.label} · 生成时间：${g.date} ${g.hh}:${g.mm}</div>
${body.join('\n')}
</body>
</html>
`
}
