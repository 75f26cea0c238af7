// Zipped Shapefile → GeoJSON features, in memory. The zip is opened with yauzl under limits on
// entry count and uncompressed size (a zip bomb must not exhaust memory); it must hold exactly
// one layer (.shp + .dbf, with .prj and optionally .cpg). The DBF encoding comes from the .cpg
// file, else UTF-8 is tried and GBK (the usual encoding of Chinese DBFs) used when UTF-8 fails.
import yauzl from 'yauzl'
import * as shapefile from 'shapefile'
import type { Feature, Geometry } from 'geojson'
import { AppError } from '../http/errors.ts'

export const ZIP_MAX_ENTRIES = 64
export const ZIP_MAX_UNCOMPRESSED = 256 * 1024 * 1024

export interface ShapefileLayer {
  name: string
  features: Feature<Geometry | null>[]
  /** WKT of the .prj, or null when the zip has none. */
  prj: string | null
  encoding: string
}

const bad = (detail: string) => new AppError(400, 'bad_shapefile', detail)

/** Reads every entry of a zip into memory (names lower-cased, folders dropped), enforcing the limits. */
export async function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  let zip: yauzl.ZipFile
  try {
    zip = await yauzl.fromBufferPromise(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false })
  } catch (err) {
    throw bad(`not a readable zip file (truncated or corrupt): ${(err as Error).message}`)
  }
  if (zip.entryCount > ZIP_MAX_ENTRIES) throw bad(`zip has ${zip.entryCount} entries (limit ${ZIP_MAX_ENTRIES})`)
  const files = new Map<string, Buffer>()
  let total = 0
  try {
    for await (const entry of entries(zip)) {
      if (entry.fileName.endsWith('/')) continue
      total += entry.uncompressedSize
      if (total > ZIP_MAX_UNCOMPRESSED) throw bad(`zip expands beyond ${ZIP_MAX_UNCOMPRESSED} bytes`)
      const stream = await zip.openReadStreamPromise(entry)
      const chunks: Buffer[] = []
      for await (const chunk of stream) chunks.push(chunk as Buffer)
      files.set(entry.fileName.split('/').pop()!.toLowerCase(), Buffer.concat(chunks))
    }
  } catch (err) {
    if (err instanceof AppError) throw err
    throw bad(`zip cannot be read (truncated or corrupt): ${(err as Error).message}`)
  } finally {
    zip.close()
  }
  return files
}

async function* entries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  while (true) {
    const next = await new Promise<yauzl.Entry | null>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry) => { cleanup(); resolve(e) }
      const onEnd = () => { cleanup(); resolve(null) }
      const onError = (e: Error) => { cleanup(); reject(e) }
      const cleanup = () => { zip.off('entry', onEntry); zip.off('end', onEnd); zip.off('error', onError) }
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError)
      zip.readEntry()
    })
    if (!next) return
    yield next
  }
}

/** The DBF encoding named by a .cpg file ('UTF-8', 'GBK', '936', 'CP936', …), if supported. */
export function cpgEncoding(cpg: string | undefined): string | undefined {
  if (!cpg) return undefined
  const name = cpg.trim().toLowerCase().replace(/^cp/, '')
  const aliases: Record<string, string> = { '936': 'gbk', gb2312: 'gbk', '65001': 'utf-8', utf8: 'utf-8', '1252': 'windows-1252', '54936': 'gb18030' }
  const label = aliases[name] ?? name
  try {
    return new TextDecoder(label).encoding
  } catch {
    throw bad(`.cpg names an unknown encoding "${cpg.trim().slice(0, 40)}"`)
  }
}

async function readFeatures(shp: Buffer, dbf: Buffer, encoding: string): Promise<Feature<Geometry | null>[]> {
  try {
    const collection = await shapefile.read(shp, dbf, { encoding })
    return collection.features as Feature<Geometry | null>[]
  } catch (err) {
    throw bad(`the .shp/.dbf cannot be read (truncated or corrupt): ${(err as Error).message}`)
  }
}

const garbled = (features: Feature<Geometry | null>[]) =>
  features.some((f) => Object.values(f.properties ?? {}).some((v) => typeof v === 'string' && v.includes('\uFFFD')))

/** Reads the single layer of a zipped Shapefile. */
export async function readZippedShapefile(buffer: Buffer): Promise<ShapefileLayer> {
  return readShapefileSet(await unzip(buffer))
}

/** Reads the single Shapefile layer of a set of files (a zip's entries or a multipart upload). */
export async function readShapefileSet(files: Map<string, Buffer>): Promise<ShapefileLayer> {
  const shps = [...files.keys()].filter((n) => n.endsWith('.shp'))
  if (shps.length === 0) throw bad('zip holds no .shp file')
  if (shps.length > 1) throw bad(`zip holds ${shps.length} layers (${shps.join(', ')}): import one layer per file`)
  const base = shps[0]!.slice(0, -4)
  const shp = files.get(`${base}.shp`)!
  const dbf = files.get(`${base}.dbf`)
  if (!dbf) throw bad(`${base}.dbf is missing: a Shapefile needs its attribute table`)
  const prj = files.get(`${base}.prj`)?.toString('utf8') ?? null
  const declared = cpgEncoding(files.get(`${base}.cpg`)?.toString('latin1'))
  let encoding = declared ?? 'utf-8'
  let features = await readFeatures(shp, dbf, encoding)
  if (!declared && garbled(features)) {
    encoding = 'gbk'
    features = await readFeatures(shp, dbf, encoding)
  }
  return { name: base, features, prj, encoding }
}
