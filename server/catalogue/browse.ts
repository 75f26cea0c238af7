// The catalogue as a city sees it: the entries with the city's edits laid over them, and the
// search over them (every word of `q` in the title, description, owner, id or a field's name or
// title; Chinese matched as substrings, so 事件 finds 在办事件 and 事件数据).
import type { Knex } from 'knex'
import type { Catalogue } from '../../tiles/catalogue.ts'
import { openApiDocument } from '../openapi/document.ts'
import {
  buildEntries, CLASSIFICATION_TITLES, SHARING_TITLES,
  type CatalogueEntry, type Classification, type EntryKind, type OpenApiPaths, type Sharing,
} from './entries.ts'

export interface MetaRow {
  entry_id: string; owner: string | null; update_frequency: string | null; classification: Classification | null
  sharing: Sharing | null; description: string | null; updated_by: string | null; updated_at: Date
}

export interface CityEntry extends CatalogueEntry {
  classificationTitle: string
  sharingTitle: string
  edited: { by: string | null; at: string } | null
}

function overlay(e: CatalogueEntry, m: MetaRow | undefined): CityEntry {
  const merged: CatalogueEntry = m ? {
    ...e, owner: m.owner ?? e.owner, updateFrequency: m.update_frequency ?? e.updateFrequency,
    classification: m.classification ?? e.classification, sharing: m.sharing ?? e.sharing, description: m.description ?? e.description,
  } : e
  return {
    ...merged, classificationTitle: CLASSIFICATION_TITLES[merged.classification], sharingTitle: SHARING_TITLES[merged.sharing],
    edited: m ? { by: m.updated_by, at: new Date(m.updated_at).toISOString() } : null,
  }
}

/** Every entry of the city's catalogue (with its edits). */
export async function cityEntries(knex: Knex, catalogue: Catalogue, city: string): Promise<CityEntry[]> {
  const rows = await knex('catalogue_entry_meta as m').leftJoin('app_user as u', 'u.id', 'm.updated_by')
    .where('m.city_code', city).select('m.*', 'u.username as updated_by') as MetaRow[]
  const meta = new Map(rows.map((r) => [r.entry_id, r]))
  return buildEntries(catalogue, openApiDocument.paths as unknown as OpenApiPaths).map((e) => overlay(e, meta.get(e.id)))
}

export async function cityEntry(knex: Knex, catalogue: Catalogue, city: string, id: string): Promise<CityEntry | undefined> {
  return (await cityEntries(knex, catalogue, city)).find((e) => e.id === id)
}

export interface Filter { q?: string | undefined; kind?: EntryKind | undefined; classification?: Classification | undefined; sharing?: Sharing | undefined }

function haystack(e: CityEntry): string {
  return [e.id, e.title, e.description, e.owner, e.classificationTitle, e.sharingTitle,
    ...e.fields.flatMap((f) => [f.name, f.title ?? ''])].join('\n').toLowerCase()
}

export function search(entries: CityEntry[], f: Filter): CityEntry[] {
  const words = (f.q ?? '').toLowerCase().split(/\s+/).filter(Boolean)
  return entries.filter((e) => (!f.kind || e.kind === f.kind) && (!f.classification || e.classification === f.classification)
    && (!f.sharing || e.sharing === f.sharing) && (words.length === 0 || words.every((w) => haystack(e).includes(w))))
}
