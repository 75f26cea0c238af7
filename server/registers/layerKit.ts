// The shape of the registers' point layers in the one catalogue: a row with a point, attributes
// that never include a personal field, where it lies (grid, area), readable by the register's
// roles, coloured by one attribute. Each register names what differs.
import type { LayerDef } from '../../tiles/catalogue.ts'
import type { Role } from '../auth/roles.ts'
import { PLACE_READ_ROLES } from './access.ts'

type Attribute = LayerDef['attributes'][number]

/** One layer attribute: its name, SQL over the table `t`, type and title. */
export const attr = (name: string, sql: string, type: Attribute['type'], title: string): Attribute => ({ name, sql, type, title })

/** The attributes of where a row lies: its grid and its area (titled 所属社区 or 所属区划). */
export const placedAttributes = (areaTitle = '所属社区'): Attribute[] =>
  [attr('grid_code', 't.grid_code', 'string', '所在网格'), attr('community_code', 't.community_code', 'string', areaTitle)]

/** The attribute of the last 核实. */
export const verifiedAttribute: Attribute = attr('verified_at', 't.verified_at', 'datetime', '核实时间')

export interface PointLayer {
  id: string; title: string; abstract: string; table: string; attributes: Attribute[]
  minZoom: number; clusterMinZoom?: number; maxScaleDenominator?: number
  /** Rows shown (SQL over `t`); default: those with a point. */
  where?: string
  /** Default: PLACE_READ_ROLES. */
  readRoles?: readonly Role[]
  /** The one style; default by kind (按类型). */
  style?: { name: string; title: string; by: string }
  colours: Record<string, [string, string]>
}

/** A register's point layer. */
export function pointLayer(l: PointLayer): LayerDef {
  return {
    id: l.id, title: l.title, abstract: l.abstract,
    table: l.table, geometryType: 'Point', key: 'id', adminColumn: 'community_code', where: l.where ?? 't.geom IS NOT NULL',
    attributes: l.attributes,
    minZoom: l.minZoom, maxZoom: 22,
    ...(l.clusterMinZoom === undefined ? {} : { clusterMinZoom: l.clusterMinZoom }),
    ...(l.maxScaleDenominator === undefined ? {} : { maxScaleDenominator: l.maxScaleDenominator }),
    queryable: true, readRoles: l.readRoles ?? PLACE_READ_ROLES,
    styles: [{ ...(l.style ?? { name: 'by_kind', title: '按类型', by: 'kind' }), colours: l.colours }],
  }
}
