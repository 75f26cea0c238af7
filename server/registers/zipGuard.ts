// The checks an xlsx passes before any spreadsheet library inflates it: an xlsx is a zip, and a
// few kilobytes of zip can inflate to gigabytes of XML (a zip bomb). From the central directory
// (yauzl): the number of entries and their declared sizes, in sum under a limit; every entry is
// then inflated once into nothing, yauzl stopping it as soon as it yields more than it declared;
// and the entries must tile the file from its first byte to the central directory, so there is no
// entry a streaming reader would find that the directory does not list.
import yauzl from 'yauzl'
import { AppError } from '../http/errors.ts'

/** The XML of a register workbook, inflated: 100,000 rows of 20 columns are ~ 60 MB. */
export const XLSX_MAX_INFLATED_BYTES = 200 * 1024 * 1024
const MAX_ENTRIES = 500

const bad = (detail: string) => new AppError(400, 'bad_xlsx', `not a readable xlsx workbook: ${detail}`).coded('registers.bad_xlsx', { detail })
const bomb = (bytes: number) => new AppError(413, 'payload_too_large',
  `the workbook inflates to more than ${XLSX_MAX_INFLATED_BYTES} bytes (${bytes} declared): split it or save it as CSV`)
  .coded('registers.xlsx_inflates_too_much', { limitMb: XLSX_MAX_INFLATED_BYTES / 1024 / 1024 })

type Entry = yauzl.Entry

function open(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) => {
      if (err || !zip) reject(bad(err?.message ?? 'unreadable zip'))
      else resolve(zip)
    })
  })
}

function entriesOf(zip: yauzl.ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const out: Entry[] = []
    zip.on('entry', (e: Entry) => {
      out.push(e)
      if (out.length > MAX_ENTRIES) reject(bad(`more than ${MAX_ENTRIES} entries`))
      else zip.readEntry()
    })
    zip.on('end', () => resolve(out))
    zip.on('error', (err: Error) => reject(bad(err.message)))
    zip.readEntry()
  })
}

function dataStart(zip: yauzl.ZipFile, e: Entry): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.readLocalFileHeader(e, { minimal: true }, (err, header) => {
      if (err || !header) reject(bad(err?.message ?? `entry ${e.fileName}`))
      else resolve(header.fileDataStart)
    })
  })
}

function inflateAll(zip: yauzl.ZipFile, e: Entry): Promise<void> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(e, (err, stream) => {
      if (err || !stream) return reject(bad(err?.message ?? `entry ${e.fileName}`))
      stream.on('data', () => undefined)
      stream.on('end', () => resolve())
      stream.on('error', (er: Error) => reject(/too many bytes|too few bytes/.test(er.message) ? bad(`entry ${e.fileName}: ${er.message}`) : bad(er.message)))
    })
  })
}

/** The bytes a data descriptor may take after an entry's data (bit 3 of its flags). */
const DESCRIPTOR_SIZES = [12, 16, 20, 24]

/** Throws a 400 for a zip that is not a plain workbook and a 413 for one that inflates too much. */
export async function checkXlsxZip(buf: Buffer): Promise<void> {
  const zip = await open(buf)
  // the cursor stands on the central directory until the first entry is read
  const centralDirectory = (zip as unknown as { readEntryCursor: number }).readEntryCursor
  try {
    const entries = await entriesOf(zip)
    if (entries.length === 0) throw bad('the zip is empty')
    const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0)
    if (declared > XLSX_MAX_INFLATED_BYTES) throw bomb(declared)
    const spans = await Promise.all(entries.map(async (e) => ({ e, start: e.relativeOffsetOfLocalHeader, end: await dataStart(zip, e) + e.compressedSize })))
    spans.sort((a, b) => a.start - b.start)
    let cursor = 0
    for (const s of spans) {
      const gap = s.start - cursor
      const allowed = gap === 0 || (cursor > 0 && DESCRIPTOR_SIZES.includes(gap) && (spans.find((x) => x.end === cursor)!.e.generalPurposeBitFlag & 0x8) !== 0)
      if (!allowed) throw bad('entries overlap or leave unlisted bytes between them')
      cursor = s.end
    }
    const tail = centralDirectory - cursor
    if (!(tail === 0 || (DESCRIPTOR_SIZES.includes(tail) && (spans.at(-1)!.e.generalPurposeBitFlag & 0x8) !== 0))) {
      throw bad('bytes before the central directory that no entry lists')
    }
    for (const e of entries) {
      if (!e.fileName.endsWith('/')) await inflateAll(zip, e)
    }
  } finally {
    zip.close()
  }
}
