// Helpers of the offline package tests: GDAL's command-line tools, a scratch directory, and the
// in-process client's export and sync calls.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Client } from '../support/http.ts'

const run = promisify(execFile)

export const STREET1 = '990102001000'
export const STREET2 = '990102002000'

export function hasTool(name: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, name)))
}

export async function tool(cmd: string, args: string[]): Promise<string> {
  const { stdout } = await run(cmd, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CPL_LOG: '/dev/null' } })
  return stdout
}

/** Runs one SQL statement on a GeoPackage through GDAL (its ST_* functions keep the RTree triggers working). */
export const gpkgSql = (file: string, sql: string) => tool('ogrinfo', ['-q', file, '-sql', sql])

/** A single value out of an OGRSQL/SQLite query on a GeoPackage (ogrinfo prints "name (type) = value"). */
export async function gpkgValue(file: string, sql: string): Promise<string> {
  const out = await tool('ogrinfo', ['-ro', '-q', file, '-sql', sql])
  const m = /=\s*(.*)$/m.exec(out)
  return m ? m[1]!.trim() : ''
}

export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gridgov-offline-test-'))
}

export async function download(client: Client, headers: Record<string, string>, file: string, out: string): Promise<{ status: number; body: string; packageId?: string }> {
  const res = await client.get(`/api/v1/offline/${file}`, headers)
  if (res.statusCode === 200) fs.writeFileSync(out, res.rawPayload)
  return { status: res.statusCode, body: res.statusCode === 200 ? '' : res.body, packageId: res.headers['x-package-id'] as string | undefined }
}

export async function sync(client: Client, headers: Record<string, string>, area: string, body: Buffer, type = 'application/geopackage+sqlite3') {
  const res = await client.request({ method: 'POST', url: `/api/v1/offline/${area}/sync`, headers: { ...headers, 'content-type': type }, payload: body })
  return { status: res.statusCode, json: res.headers['content-type']?.toString().includes('json') ? res.json() : undefined, body: res.body }
}

/** A one-feature GeoJSON file, for ogr2ogr -append. */
export function geojsonFile(dir: string, name: string, props: Record<string, unknown>, lon: number, lat: number): string {
  const file = path.join(dir, `${name}.geojson`)
  fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: [lon, lat] } }] }))
  return file
}
