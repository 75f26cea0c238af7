// POST /api/v1/classify: the best three classes of a description, with a demand type, the words
// that spoke for each class (tags) and the model's probability as the confidence.
import type { Knex } from 'knex'
import { z } from 'zod'
import type { Role } from '../auth/roles.ts'
import { demandTypeOf } from './demand.ts'
import { evidence, predict } from './model.ts'
import { currentModel } from './store.ts'

/** The same limit as an event's description: what cannot be reported need not be classified. */
export const MAX_DESCRIPTION = 4000
export const SUGGESTIONS = 3
const TAGS = 4

export const CLASSIFY_ROLES: Role[] = ['command_center', 'district_staff', 'street_staff', 'community_staff', 'department', 'grid_inspector', 'external_system']

export const classifySchema = z.object({
  description: z.string().trim().min(1).max(MAX_DESCRIPTION),
  /** accepted for the API's shape (the intake sends its body); the model reads the text only */
  location: z.object({ x: z.number().finite(), y: z.number().finite(), crs: z.string().max(200).default('EPSG:4490') }).strict().optional(),
}).strict()

export interface Suggestion { classCode: string; className: string; demandType: string; tags: string[]; confidence: number }
export interface Classification { modelId: number; suggestions: Suggestion[] }

const round = (p: number) => Math.round(p * 10_000) / 10_000

export async function classify(knex: Knex, description: string, max = SUGGESTIONS): Promise<Classification> {
  const loaded = await currentModel(knex)
  return classifyWith(loaded, description, max)
}

/** The synchronous part, for batches: the model is loaded once. */
export function classifyWith(loaded: Awaited<ReturnType<typeof currentModel>>, description: string, max = SUGGESTIONS): Classification {
  const { ranked, vector } = predict(loaded.model, description)
  const { demandType } = demandTypeOf(description)
  return {
    modelId: loaded.id,
    suggestions: ranked.slice(0, max).map((r) => ({
      classCode: r.label, className: loaded.names.get(r.label) ?? r.label, demandType, confidence: round(r.probability),
      // words first (a reader recognises them); bigrams only when no word spoke for the class
      tags: tagsOf(evidence(loaded.model, vector, r.column, TAGS * 3)),
    })),
  }
}

function tagsOf(features: string[]): string[] {
  const words = features.filter((f) => f.startsWith('w:')).map((f) => f.slice(2))
  return (words.length ? words : features.map((f) => f.slice(2))).slice(0, TAGS)
}
