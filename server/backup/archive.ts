// The backup archive: a plain POSIX ustar file (`tar -tvf` lists it, `tar -xf` unpacks it by
// hand), written and read by our own code so that reading is strict: every header checksum,
// every padding byte and the end-of-archive blocks are checked, and each part is hashed while it
// is unpacked. With the SHA-256 of every part in the manifest and the manifest's own SHA-256 in
// the next entry, a single changed byte anywhere in the file is detected.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { BackupError } from './errors.ts'

const BLOCK = 512
const CHUNK = 1024 * 1024
/** Largest size the 11 octal digits of ustar hold; beyond it, GNU base-256 (as GNU tar reads). */
const OCTAL_MAX = 0o77777777777

export interface EntrySource {
  /** Path inside the archive ('/' separated, relative). */
  name: string
  /** A file on disk, or bytes in memory, or a directory (its name ends with '/'). */
  file?: string
  bytes?: Buffer
  directory?: boolean
}

const EMPTY_SHA256 = crypto.createHash('sha256').digest('hex')

export interface WrittenEntry { name: string; size: number; sha256: string }

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0'
}

function header(name: string, size: number, mtime: number, directory = false): Buffer {
  const h = Buffer.alloc(BLOCK)
  const [prefix, base] = splitName(name)
  h.write(base, 0, 100, 'utf8')
  h.write(octal(directory ? 0o755 : 0o644, 8), 100, 'ascii')
  h.write(octal(0, 8), 108, 'ascii')
  h.write(octal(0, 8), 116, 'ascii')
  if (size <= OCTAL_MAX) h.write(octal(size, 12), 124, 'ascii')
  else { h[124] = 0x80; h.writeBigUInt64BE(BigInt(size), 128) }
  h.write(octal(mtime, 12), 136, 'ascii')
  h.write(directory ? '5' : '0', 156, 'ascii')
  h.write('ustar\0', 257, 'ascii')
  h.write('00', 263, 'ascii')
  h.write(prefix, 345, 155, 'utf8')
  h.write(octal(checksum(h), 7) + ' ', 148, 'ascii')
  return h
}

/** ustar keeps 100 bytes of name and 155 of prefix, split at a '/'. */
function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name]
  const cut = name.lastIndexOf('/', 155)
  if (cut > 0 && Buffer.byteLength(name.slice(cut + 1)) <= 100 && Buffer.byteLength(name.slice(0, cut)) <= 155) {
    return [name.slice(0, cut), name.slice(cut + 1)]
  }
  throw new BackupError('archive_name', `path too long for the archive: ${name}`)
}

/** The header checksum: the byte sum with the checksum field read as spaces. */
function checksum(h: Buffer): number {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!
  return sum
}

/** Writes the archive; entries are streamed from disk and hashed on the way. */
export async function writeArchive(target: string, entries: Iterable<EntrySource>, mtime: Date): Promise<WrittenEntry[]> {
  const out = await fs.promises.open(target, 'wx', 0o600)
  const written: WrittenEntry[] = []
  const seconds = Math.floor(mtime.getTime() / 1000)
  try {
    for (const e of entries) {
      if (e.directory) {
        await out.write(header(e.name, 0, seconds, true))
        written.push({ name: e.name, size: 0, sha256: EMPTY_SHA256 })
        continue
      }
      const size = e.bytes ? e.bytes.length : (await fs.promises.stat(e.file!)).size
      await out.write(header(e.name, size, seconds))
      const hash = crypto.createHash('sha256')
      let copied = 0
      if (e.bytes) {
        await out.write(e.bytes)
        hash.update(e.bytes)
        copied = e.bytes.length
      } else {
        const src = await fs.promises.open(e.file!, 'r')
        try {
          const buf = Buffer.alloc(CHUNK)
          for (;;) {
            const { bytesRead } = await src.read(buf, 0, CHUNK, null)
            if (bytesRead === 0) break
            hash.update(buf.subarray(0, bytesRead))
            await out.write(buf.subarray(0, bytesRead))
            copied += bytesRead
          }
        } finally {
          await src.close()
        }
      }
      // a file that changed size while being read would make a broken archive
      if (copied !== size) throw new BackupError('archive_changed', `${e.file} changed while it was archived (${size} → ${copied} bytes)`)
      const pad = (BLOCK - (size % BLOCK)) % BLOCK
      if (pad) await out.write(Buffer.alloc(pad))
      written.push({ name: e.name, size, sha256: hash.digest('hex') })
    }
    await out.write(Buffer.alloc(2 * BLOCK))
    await out.sync()
  } catch (err) {
    await out.close()
    await fs.promises.rm(target, { force: true })
    throw err
  }
  await out.close()
  return written
}

export interface ReadEntry { name: string; size: number; sha256: string; file: string }

/**
 * Reads the archive strictly and unpacks every entry into `stagingDir` (which nothing else
 * reads), hashing each; `accept(name)` refuses unexpected names. Throws BackupError on any
 * irregularity; `onEntry` sees each entry once unpacked and may throw to stop at the first
 * part that differs from the manifest (comparing them is the caller's part).
 */
export async function readArchive(source: string, stagingDir: string, accept: (name: string) => boolean,
  onEntry: (entry: ReadEntry, index: number) => void = () => undefined): Promise<ReadEntry[]> {
  const fh = await fs.promises.open(source, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new BackupError('archive_unreadable', `cannot read the archive ${source}: ${err.message}`)
  })
  const entries: ReadEntry[] = []
  const seen = new Set<string>()
  try {
    const total = (await fh.stat()).size
    if (total % BLOCK !== 0 || total < 2 * BLOCK) throw corrupt(`its length ${total} is not a whole number of 512-byte blocks`)
    let pos = 0
    const block = Buffer.alloc(BLOCK)
    for (;;) {
      await readFully(fh, block, pos)
      if (block.every((b) => b === 0)) break
      const { name, size, directory } = parseHeader(block, pos)
      if (!accept(name) || seen.has(name)) throw corrupt(`unexpected entry "${name}" at byte ${pos}`)
      seen.add(name)
      pos += BLOCK
      if (directory) {
        await fs.promises.mkdir(path.join(stagingDir, ...name.split('/')), { recursive: true })
        entries.push({ name, size: 0, sha256: EMPTY_SHA256, file: path.join(stagingDir, ...name.split('/')) })
        onEntry(entries.at(-1)!, entries.length - 1)
        continue
      }
      const padded = Math.ceil(size / BLOCK) * BLOCK
      if (pos + padded > total) throw corrupt(`entry "${name}" runs past the end of the file`)
      const file = path.join(stagingDir, ...name.split('/'))
      await fs.promises.mkdir(path.dirname(file), { recursive: true })
      const sha256 = await copyOut(fh, pos, size, file)
      await expectZeros(fh, pos + size, padded - size)
      entries.push({ name, size, sha256, file })
      onEntry(entries.at(-1)!, entries.length - 1)
      pos += padded
    }
    // the end: zero blocks only, up to the end of the file
    await expectZeros(fh, pos, total - pos)
    if (total - pos < 2 * BLOCK) throw corrupt('the end-of-archive blocks are missing')
  } finally {
    await fh.close()
  }
  return entries
}

const corrupt = (why: string) => new BackupError('archive_corrupt', `the archive is damaged or not a gridgov backup: ${why}`)

async function readFully(fh: fs.promises.FileHandle, buf: Buffer, pos: number): Promise<void> {
  const { bytesRead } = await fh.read(buf, 0, buf.length, pos)
  if (bytesRead !== buf.length) throw corrupt(`short read at byte ${pos}`)
}

function parseHeader(h: Buffer, pos: number): { name: string; size: number; directory: boolean } {
  const stored = Number.parseInt(h.toString('ascii', 148, 156).replace(/[\0 ]+$/, ''), 8)
  if (!/^[0-7]{6}\0 $/.test(h.toString('latin1', 148, 156)) || stored !== checksum(h)) throw corrupt(`bad header checksum at byte ${pos}`)
  if (h.toString('latin1', 257, 265) !== 'ustar\x0000' || (h[156] !== 0x30 && h[156] !== 0x35)) throw corrupt(`not a file or directory ustar entry at byte ${pos}`)
  const directory = h[156] === 0x35
  const text = (from: number, len: number) => {
    const raw = h.subarray(from, from + len)
    const end = raw.indexOf(0)
    return raw.subarray(0, end < 0 ? len : end).toString('utf8')
  }
  const prefix = text(345, 155)
  const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100)
  let size: number
  if (h[124] === 0x80) {
    const big = h.readBigUInt64BE(128)
    if (h.subarray(125, 128).some((b) => b !== 0) || big > BigInt(Number.MAX_SAFE_INTEGER)) throw corrupt(`bad size at byte ${pos}`)
    size = Number(big)
  } else {
    const field = h.toString('latin1', 124, 136)
    if (!/^[0-7]{11}\0$/.test(field)) throw corrupt(`bad size at byte ${pos}`)
    size = Number.parseInt(field, 8)
  }
  // no absolute paths, no '..', nothing but plain relative names: the names are joined to a directory
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/?$/.test(name) || name.split('/').some((p) => p === '.' || p === '..')) {
    throw corrupt(`unsafe entry name at byte ${pos}`)
  }
  if (directory !== name.endsWith('/') || (directory && size !== 0)) throw corrupt(`bad directory entry at byte ${pos}`)
  return { name, size, directory }
}

async function copyOut(fh: fs.promises.FileHandle, from: number, size: number, file: string): Promise<string> {
  const hash = crypto.createHash('sha256')
  const out = await fs.promises.open(file, 'wx', 0o600)
  try {
    const buf = Buffer.alloc(CHUNK)
    let done = 0
    while (done < size) {
      const n = Math.min(CHUNK, size - done)
      await readFully(fh, buf.subarray(0, n), from + done)
      hash.update(buf.subarray(0, n))
      await out.write(buf.subarray(0, n))
      done += n
    }
  } finally {
    await out.close()
  }
  return hash.digest('hex')
}

async function expectZeros(fh: fs.promises.FileHandle, from: number, length: number): Promise<void> {
  const buf = Buffer.alloc(Math.min(CHUNK, Math.max(length, 1)))
  for (let done = 0; done < length;) {
    const n = Math.min(buf.length, length - done)
    await readFully(fh, buf.subarray(0, n), from + done)
    if (buf.subarray(0, n).some((b) => b !== 0)) throw corrupt(`non-zero padding at byte ${from + done}`)
    done += n
  }
}
