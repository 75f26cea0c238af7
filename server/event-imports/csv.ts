// CSV as exported by spreadsheets and legacy case systems (RFC 4180): comma-separated (or
// tab-separated when the header has tabs and no commas), fields quoted with ", "" inside quotes,
// line breaks inside quoted fields, CRLF or LF. Each record remembers the physical line it
// starts on, so a report can point at the line a user sees in an editor.
//
// Bytes → text: a charset named by the caller (Content-Type or --encoding) wins; else a UTF-8
// BOM, else strict UTF-8, else GB18030 (a superset of GBK/GB2312, what Excel writes for
// "CSV" on a Chinese Windows). A file that is neither is refused rather than garbled.
import { AppError } from '../http/errors.ts'

export interface CsvRecord {
  /** 1-based physical line the record starts on (the header is line 1 unless blank lines precede it). */
  line: number
  fields: string[]
}

export interface CsvTable {
  header: string[]
  headerLine: number
  records: CsvRecord[]
  encoding: string
  delimiter: ',' | '\t'
}

const malformed = (detail: string) => new AppError(400, 'malformed_csv', detail)

/** The text of a CSV file: charset from the caller, the BOM, strict UTF-8, else GB18030. */
export function decodeCsv(bytes: Buffer, charset?: string): { text: string; encoding: string } {
  if (charset) {
    let decoder: InstanceType<typeof TextDecoder>
    try {
      decoder = new TextDecoder(charset.trim().toLowerCase(), { fatal: true })
    } catch {
      throw new AppError(415, 'unsupported_media_type', `unknown charset "${charset.slice(0, 40)}": use utf-8 or gbk`)
    }
    try {
      return { text: decoder.decode(bytes).replace(/^\uFEFF/, ''), encoding: decoder.encoding }
    } catch {
      throw malformed(`the file is not valid ${decoder.encoding}`)
    }
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8 (BOM)' }
  }
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw malformed('UTF-16 files are not supported: save the CSV as UTF-8 (or GBK)')
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' }
    } catch {
      throw malformed('the file is neither UTF-8 nor GBK/GB18030 text: save the CSV as UTF-8')
    }
  }
}

/** Splits CSV text into records; blank lines are skipped, the first non-blank record is the header. */
export function parseCsv(text: string): Omit<CsvTable, 'encoding'> {
  const firstLine = text.slice(0, text.search(/\r?\n|$/))
  const delimiter = !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : ','
  const records = splitRecords(text, delimiter)
  const first = records.shift()
  if (!first) throw malformed('the CSV file is empty')
  const header = first.fields.map((h) => h.trim())
  if (header.length < 2) throw malformed(`the header (line ${first.line}) has fewer than two columns: is the delimiter a comma?`)
  return { header, headerLine: first.line, records, delimiter }
}

function splitRecords(text: string, delimiter: string): CsvRecord[] {
  const out: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let line = 1
  let start = 1
  let quoted = false
  let quoteLine = 0
  let i = 0
  const endRecord = () => {
    fields.push(field)
    // a record of one empty field is a blank line
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields })
    fields = []
    field = ''
  }
  while (i < text.length) {
    const c = text[i]!
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue }
        quoted = false
        i++
        continue
      }
      if (c === '\n') line++
      field += c
      i++
      continue
    }
    if (c === '"' && field.trim() === '') {
      // an opening quote (spaces before it are dropped, as spreadsheets do)
      quoted = true
      quoteLine = line
      field = ''
      i++
    } else if (c === delimiter) {
      fields.push(field)
      field = ''
      i++
    } else if (c === '\r' || c === '\n') {
      endRecord()
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1
      line++
      start = line
    } else {
      field += c
      i++
    }
  }
  if (quoted) throw malformed(`unterminated quoted field starting on line ${quoteLine}`)
  if (field !== '' || fields.length > 0) endRecord()
  return out
}
