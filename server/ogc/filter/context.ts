// What a filter is compiled against, and the one error every filter fault becomes.
import { AppError } from '../../http/errors.ts'
import type { CompiledLayer } from '../common/featureSource.ts'
import type { XmlNode } from '../common/xml.ts'
import type { Sql } from '../common/sql.ts'

export interface FilterContext {
  source: CompiledLayer
  /** CRS of geometries that carry no srsName (the query's srsName, else the type's default CRS). */
  defaultCrs: string
  /** Parameter name to blame (FILTER in KVP, filter in XML). */
  locator: string
}

/** Compiles one operator element to SQL (a boolean expression). */
export type OperatorCompiler = (node: XmlNode, ctx: FilterContext, compile: (n: XmlNode) => Sql) => Sql

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s)

export function filterError(ctx: Pick<FilterContext, 'locator'>, detail: string): AppError {
  return new AppError(400, 'invalid_filter', clip(detail), {}, { code: 'InvalidParameterValue', locator: ctx.locator })
}

export { clip }
