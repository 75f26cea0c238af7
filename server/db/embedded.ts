// Embedded PostGIS: PGlite + its PostGIS extension, served on a loopback port by
// pglite-socket so the same knex/pg code runs against it as against a real server.
import fs from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { PGlite } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { AppError } from '../http/errors.ts'

export interface EmbeddedServer {
  port: number
  dataDir: string
  stop(): Promise<void>
}

/** Starts PGlite on dataDir/pgdata and serves it on 127.0.0.1 (random port). */
export async function startEmbedded(dataDir: string): Promise<EmbeddedServer> {
  fs.mkdirSync(dataDir, { recursive: true })
  const release = lockDataDir(dataDir)
  let db: PGlite | undefined
  try {
    db = await PGlite.create({ dataDir: path.join(dataDir, 'pgdata'), extensions: { postgis } })
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 })
    await server.start()
    const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port
    const pglite = db
    return {
      port,
      dataDir,
      async stop() {
        try {
          await server.stop()
          await pglite.close()
        } finally {
          release()
        }
      },
    }
  } catch (err) {
    await db?.close().catch(() => undefined)
    release()
    throw err
  }
}

/**
 * PGlite is a single process database: two services on one data directory would corrupt it.
 * A lock file holding our pid guards it; a lock left by a dead process is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'gridgov.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      return () => fs.rmSync(lockPath, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim())
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new AppError(409, 'data_dir_locked',
          `the data directory ${dataDir} is in use by another gridgov process (pid ${holder}); ` +
          'stop it first, or set DATA_DIR to another directory')
      }
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new Error(`could not lock the data directory ${dataDir}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
