// A fragment of SQL text with `?` placeholders and the values bound to them, in order.
// Request values only ever travel in `values`; `text` holds catalogue SQL and fixed keywords.

export interface Sql {
  text: string
  values: unknown[]
}

export const sql = (text: string, ...values: unknown[]): Sql => ({ text, values })

/** Joins fragments with a separator, keeping the bindings in placeholder order. */
export function joinSql(parts: Sql[], separator: string): Sql {
  return { text: parts.map((p) => p.text).join(separator), values: parts.flatMap((p) => p.values) }
}

/**
 * Quotes a string constant that comes from our own catalogue (layer ids, attribute names) as a
 * SQL literal. Never used for request values: those are bound.
 */
export function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}

/** Quotes a catalogue identifier (table or column name). */
export function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`
}

/** SQL that XML-escapes a text expression (element content and attribute values). */
export function xmlEscapeSql(expr: string): string {
  return `replace(replace(replace(replace(${expr}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')`
}
