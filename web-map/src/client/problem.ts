// The server's refusals (RFC 9457 problem JSON). Every API call asks for Chinese
// (Accept-Language: zh-CN): the server then words the problem's `detail` in Chinese from its
// message catalogue and says so with Content-Language. That detail is what the operator reads,
// next to the button pressed; a proxy's page or an older server falls back to the status words.

/** Sent on every API call (client/api.ts). */
export const API_LANGUAGE = 'zh-CN'

/** The members of a problem the page reads. */
export interface Problem {
  status: number
  /** the server's message code, e.g. 'transition.no_open_supervision' */
  code?: string
  detail?: string
  /** true when the detail is the server's Chinese wording */
  chinese: boolean
  params?: Record<string, unknown>
  allowed?: unknown
  errors?: unknown
  acknowledgedAt?: unknown
}

/** Reads a non-2xx answer (never throws: a body that is not JSON leaves only the status). */
export async function readProblem(res: Response): Promise<Problem> {
  let body: Record<string, unknown> = {}
  try {
    body = await res.json() as Record<string, unknown>
  } catch {
    // not JSON (a proxy's page): the status alone
  }
  const chinese = /^zh\b/i.test(res.headers.get('content-language') ?? '') && typeof body.detail === 'string'
  return {
    ...body,
    status: res.status,
    code: typeof body.code === 'string' ? body.code : undefined,
    detail: typeof body.detail === 'string' ? body.detail : undefined,
    chinese,
  }
}

/**
 * The sentence to show for a refusal: the server's Chinese detail as it is; otherwise the
 * page's own words for the status, with the (English) detail after them.
 */
export function refusalText(p: Problem, fallback: string): string {
  if (p.chinese && p.detail) return p.detail
  return `${fallback}（${p.status}）${p.detail ? `：${p.detail}` : ''}`
}
