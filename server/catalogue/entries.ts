// The data catalogue's entries (政务信息资源目录): every map layer of the tile catalogue, every
// operation of the OpenAPI document and every dataset (the registers, and whatever another
// capability describes with defineDataset), each with what a grant of it opens. The entries are
// derived from the code each time (layers change when user fields are added); a city's edits of
// their metadata (owner, frequency, classification, sharing, description) are laid over them.
import type { Catalogue } from '../../tiles/catalogue.ts'
import type { Role } from '../auth/roles.ts'
import { allRegisters } from '../registers/registry.ts'

export const CLASSIFICATIONS = ['public', 'internal', 'sensitive'] as const
export type Classification = (typeof CLASSIFICATIONS)[number]
export const SHARINGS = ['unconditional', 'conditional', 'none'] as const
export type Sharing = (typeof SHARINGS)[number]
export const CLASSIFICATION_TITLES: Record<Classification, string> = { public: '公开', internal: '内部', sensitive: '敏感' }
export const SHARING_TITLES: Record<Sharing, string> = { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' }
export const KINDS = ['layer', 'api', 'dataset'] as const
export type EntryKind = (typeof KINDS)[number]

export interface EntryField { name: string; title?: string; type?: string; personal?: boolean }

export interface CatalogueEntry {
  id: string
  kind: EntryKind
  title: string
  description: string
  owner: string
  fields: EntryField[]
  updateFrequency: string
  classification: Classification
  sharing: Sharing
  /** What a grant of the entry opens: operations ("GET /api/v1/…" templates) and layers. */
  access: { operations: string[]; layers: string[] }
  /** Only these roles may hold it (a layer's or register's readers); absent: any. */
  holders?: readonly Role[]
}

/**
 * A dataset another capability publishes (open data, statistics): registered, never imported here.
 * `id` is `dataset:` + a lowercase name; `paths` are path prefixes: every GET operation of the
 * OpenAPI document under one of them is part of it.
 */
export type DatasetDef = Pick<CatalogueEntry, 'id' | 'title' | 'description' | 'owner' | 'fields' | 'updateFrequency' | 'classification' | 'sharing' | 'holders'>
  & { paths: string[]; layers: string[] }

const datasets = new Map<string, DatasetDef>()
export function defineDataset(def: DatasetDef): void {
  if (!/^dataset:[a-z][a-z0-9_-]{1,60}$/.test(def.id)) throw new Error(`bad dataset id ${def.id}`)
  datasets.set(def.id, def)
}

const DEFAULT_OWNER = '市城市运行管理指挥中心'
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const
/** Access management and the audit are never shared; reads of people in full neither. */
const NEVER_SHARED = /^\/api\/v1\/(auth|audit|catalogue)(\/|$)|\/unmask$/
const PEOPLE = /^\/api\/v1\/(residents|houses|special-groups)(\/|$)/

type Operation = { summary?: string; description?: string; security?: readonly unknown[]; parameters?: readonly { name?: string; in?: string }[] }
export type OpenApiPaths = Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>

function apiEntries(paths: OpenApiPaths): CatalogueEntry[] {
  const out: CatalogueEntry[] = []
  for (const [path, item] of Object.entries(paths)) {
    for (const m of METHODS) {
      const op = item[m]
      if (!op) continue
      const open = (Array.isArray(op.security) && op.security.length === 0) || path.startsWith('/api/v1/public/')
      const closed = NEVER_SHARED.test(path)
      const classification: Classification = open ? 'public' : closed || PEOPLE.test(path) ? 'sensitive' : 'internal'
      const operation = `${m.toUpperCase()} ${path}`
      out.push({
        id: `api:${operation}`, kind: 'api', title: (op.summary ?? operation).slice(0, 300), description: (op.description ?? '').slice(0, 2000),
        owner: DEFAULT_OWNER, updateFrequency: '实时',
        fields: (op.parameters ?? []).filter((p) => p.name).map((p) => ({ name: String(p.name), type: p.in ?? 'query' })),
        classification, sharing: open ? 'unconditional' : classification === 'sensitive' ? 'none' : 'conditional',
        access: { operations: [operation], layers: [] },
      })
    }
  }
  return out
}

function layerEntries(catalogue: Catalogue): CatalogueEntry[] {
  return catalogue.layers.map((l) => {
    const classification: Classification = l.audited ? 'sensitive' : 'internal'
    return {
      id: `layer:${l.id}`, kind: 'layer' as const, title: l.title, description: l.abstract, owner: DEFAULT_OWNER,
      updateFrequency: l.live ? '实时（秒级）' : '实时（随业务变化）',
      fields: l.attributes.map((a) => ({ name: a.name, title: a.title, type: a.type })),
      classification, sharing: classification === 'sensitive' ? 'none' as const : 'conditional' as const,
      access: { operations: [], layers: [l.id] },
      ...(l.readRoles ? { holders: l.readRoles } : {}),
    }
  })
}

/** Every GET operation under the prefixes, except unmasking, imports and exports (done by staff). */
function readsUnder(paths: OpenApiPaths, prefixes: readonly string[]): string[] {
  return Object.entries(paths)
    .filter(([p, item]) => item.get && prefixes.some((x) => p === x || p.startsWith(`${x}/`)) && !/\/(unmask|export|import)(\/|$)/.test(p))
    .map(([p]) => `GET ${p}`)
}

function datasetEntries(paths: OpenApiPaths, catalogue: Catalogue): CatalogueEntry[] {
  const registers = allRegisters().map((r): CatalogueEntry => {
    const personal = r.columns.some((c) => c.personal)
    const classification: Classification = personal ? 'sensitive' : 'internal'
    return {
      id: `dataset:${r.name}`, kind: 'dataset', title: r.title, description: `登记台账：${r.title}（按辖区核实维护）`,
      owner: '属地社区（登记台账）', updateFrequency: '随登记更新，定期核实',
      fields: r.columns.map((c) => ({ name: c.name, title: c.title, type: c.type, ...(c.personal ? { personal: true } : {}) })),
      classification, sharing: personal ? 'none' : 'conditional',
      access: { operations: readsUnder(paths, [r.path ?? `/api/v1/${r.name}`]), layers: r.layer && catalogue.get(r.layer) ? [r.layer] : [] },
      holders: r.readRoles,
    }
  })
  const defined = [...datasets.values()].map((d): CatalogueEntry => ({
    id: d.id, kind: 'dataset', title: d.title, description: d.description, owner: d.owner, fields: d.fields,
    updateFrequency: d.updateFrequency, classification: d.classification, sharing: d.sharing,
    access: { operations: readsUnder(paths, d.paths), layers: d.layers.filter((l) => catalogue.get(l)) },
    ...(d.holders ? { holders: d.holders } : {}),
  }))
  return [...registers, ...defined]
}

/** Every entry, layers first, then datasets and operations, each in its source's order. */
export function buildEntries(catalogue: Catalogue, paths: OpenApiPaths): CatalogueEntry[] {
  return [...layerEntries(catalogue), ...datasetEntries(paths, catalogue), ...apiEntries(paths)]
}

// The events as a dataset: the open events' layer and the event reads (the reporter masked as for its user).
defineDataset({
  id: 'dataset:events', title: '事件数据', description: '网格事件（诉求、巡查发现、感知告警）的受理、处置与结案记录；报告人信息按角色脱敏',
  owner: DEFAULT_OWNER, updateFrequency: '实时',
  fields: ['number', 'classCode', 'status', 'communityCode', 'gridCode', 'description', 'createdAt', 'closedAt'].map((name) => ({ name })),
  classification: 'internal', sharing: 'conditional', paths: ['/api/v1/events'], layers: ['events'],
})
