// JSON Schema for OpenAPI straight from the zod schemas that validate the requests, so the
// document and the validation cannot drift apart.
import { z } from 'zod'

/** A request body (or query) schema: the input side of the zod schema, without $schema. */
export function schemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
  return json
}

/** Query parameters from a zod object schema, one per property. */
export function queryParameters(schema: z.ZodObject): Record<string, unknown>[] {
  const json = schemaOf(schema) as { properties?: Record<string, unknown>; required?: string[] }
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }))
}
