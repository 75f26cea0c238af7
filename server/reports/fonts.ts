// The Simplified Chinese font embedded in report PDFs. First choice: Noto Sans SC ("Noto Sans
// Hans", SIL OFL 1.1) from the npm package @embedpdf/fonts-sc, so a fresh `npm install` is enough;
// it has every GB 2312 and CJK Ext-A character. Fallback: a system CJK font (Debian's
// fonts-noto-cjk or fonts-wqy-microhei / zenhei) if the package is missing. With neither, a PDF
// request is a 503 saying what to install; xlsx and HTML need no font.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { AppError } from '../http/errors.ts'

/** The CSS font stack of charts, maps and HTML reports (the PDF embeds its own font, below). */
export const FONT_STACK = "'Noto Sans SC','Noto Sans Hans','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei','Microsoft YaHei','PingFang SC',sans-serif"

export interface CjkFont { regular: string; bold: string; /** face inside a .ttc collection */ regularFace?: string; boldFace?: string; name: string }

const SYSTEM: CjkFont[] = [
  { name: 'Noto Sans CJK SC', regular: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', bold: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
    regularFace: 'NotoSansCJKsc-Regular', boldFace: 'NotoSansCJKsc-Bold' },
  { name: 'WenQuanYi Micro Hei', regular: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', bold: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
    regularFace: 'WenQuanYiMicroHei', boldFace: 'WenQuanYiMicroHei' },
  { name: 'WenQuanYi Zen Hei', regular: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', bold: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
    regularFace: 'WenQuanYiZenHei', boldFace: 'WenQuanYiZenHei' },
]

function packaged(): CjkFont | null {
  try {
    // the package exports only its index: the fonts lie in ../fonts next to dist/
    const index = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')
    const dir = path.join(path.dirname(index), '..', 'fonts')
    const font = { name: 'Noto Sans SC', regular: path.join(dir, 'NotoSansHans-Regular.otf'), bold: path.join(dir, 'NotoSansHans-Bold.otf') }
    return fs.existsSync(font.regular) && fs.existsSync(font.bold) ? font : null
  } catch {
    return null
  }
}

let chosen: CjkFont | null | undefined

/** The font for PDFs, or a 503 naming the missing package. */
export function cjkFont(): CjkFont {
  chosen ??= packaged() ?? SYSTEM.find((f) => fs.existsSync(f.regular) && fs.existsSync(f.bold)) ?? null
  if (chosen === null) {
    throw new AppError(503, 'pdf_font_missing', 'no Simplified Chinese font for PDF reports: run `npm install` (package @embedpdf/fonts-sc) ' +
      'or install fonts-noto-cjk or fonts-wqy-microhei; xlsx and html reports work without one')
  }
  return chosen
}
