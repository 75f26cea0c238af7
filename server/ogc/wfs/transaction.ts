// Transaction (WFS-T), POST XML only: Insert, Update and Delete on the layers that have a
// writer (transactionWriters.ts), applied in document order inside ONE database transaction.
// Any refusal rolls the whole transaction back and answers an ows:ExceptionReport whose
// locator names the feature (its id, or the action's handle). The change triggers of the
// written tables notify tiles and WMS caches on commit, as for REST writes.
import type { Knex } from 'knex'
import type { Context } from 'koa'
import type { Principal } from '../../auth/users.ts'
import type { AppContext } from '../../context.ts'
import { AppError } from '../../http/errors.ts'
import { requireReader, layersOf } from '../common/access.ts'
import { NS } from '../common/namespaces.ts'
import { el, textEl, XML_DECLARATION } from '../common/xml.ts'
import type { WfsRequest } from './request.ts'
import { readTransaction, refusal, type Action } from './transactionParse.ts'
import { selectTargets } from './transactionTargets.ts'
import { LOCATOR, mayWrite, writerOf } from './transactionWriters.ts'
import { typeNameOf } from './typeNames.ts'

interface Inserted { handle?: string | undefined; rid: string }
interface Summary { inserted: Inserted[]; updated: number; deleted: number }

export async function transaction(ctx: Context, app: AppContext, req: WfsRequest): Promise<void> {
  if (!req.xml) {
    throw refusal(400, 'OperationNotSupported', 'request', 'Transaction is sent by POST as XML (wfs:Transaction)').coded('wfst.post_only')
  }
  // GDAL writes the WFS 1.x dialect (and reads a 1.1.0 answer) whatever version it negotiated
  const v11 = req.version === '1.1.0' || req.xmlNamespace === NS.wfs11
  if (v11) ctx.state.ogcVersion = '1.1.0'
  const principal = requireReader(ctx)
  const actions = readTransaction(req.xml, req.namespaces, layersOf(ctx, app.catalogue))
  for (const a of actions) {
    const where = a.handle ?? typeNameOf(a.layer)
    if (!writerOf(a.layer)) {
      throw refusal(400, 'OperationProcessingFailed', where, `${typeNameOf(a.layer)} is read-only over WFS`).coded('wfst.read_only_layer', { layer: a.layer.id })
    }
    if (!mayWrite(a.layer, principal)) {
      throw refusal(403, 'OperationProcessingFailed', where, `role ${principal.role} may not edit ${typeNameOf(a.layer)}`)
        .coded('wfst.role_forbidden', { role: principal.role, layer: a.layer.id })
    }
  }
  let summary: Summary
  try {
    summary = await app.knex.transaction(async (trx) => {
      const s: Summary = { inserted: [], updated: 0, deleted: 0 }
      for (const a of actions) await apply(trx, principal, a, s)
      return s
    })
  } catch (err) {
    throw asOgc(err)
  }
  ctx.type = 'text/xml; charset=utf-8'
  ctx.body = /^1\.0\./.test(req.xml.attrs.version ?? '') ? response10(summary) : v11 ? response11(summary) : response20(summary)
}

async function apply(trx: Knex.Transaction, principal: Principal, a: Action, s: Summary): Promise<void> {
  const writer = writerOf(a.layer)!
  if (a.kind === 'Insert') {
    const keys = await writer.insert(trx, principal, a.layer, a.features)
    s.inserted.push(...keys.map((k) => ({ handle: a.handle, rid: `${a.layer.id}.${k}` })))
    return
  }
  const lock = writer.lockPlaces?.bind(writer, trx, a.layer)
  const targets = await selectTargets(trx, principal, a.filter, a.ctx, a.handle ?? a.ctx.locator, lock)
  if (a.kind === 'Update') {
    await writer.update(trx, principal, a.layer, targets, a.values)
    s.updated += targets.length
  } else {
    await writer.delete(trx, principal, a.layer, targets)
    s.deleted += targets.length
  }
}

/** A REST refusal from a writer → an OGC exception naming the feature (wording code kept). */
function asOgc(err: unknown): unknown {
  if (!(err instanceof AppError) || err.status >= 500) return err
  const locator = (err as AppError & { [LOCATOR]?: string })[LOCATOR] ?? err.ogc?.locator
  if (err.ogc && (err.ogc.locator === locator || !locator)) return err
  const violations = (err.extra.violations ?? err.extra.problems) as { message?: string }[] | undefined
  const first = violations?.slice(0, 3).map((v) => v.message).filter(Boolean).join('; ')
  const detail = `${locator ? `${locator}: ` : ''}${err.detail}${first ? ` (${first})` : ''}`
  const code = err.ogc?.code ?? (err.status === 400 ? 'InvalidValue' : 'OperationProcessingFailed')
  const out = new AppError(err.status, err.type, detail, err.extra, { code, ...(locator ? { locator } : {}) }, { cause: err })
  return err.code ? out.coded(err.code, err.params) : out
}

function response20(s: Summary): string {
  const total = (tag: string, n: number) => textEl(`wfs:${tag}`, n)
  return XML_DECLARATION + el('wfs:TransactionResponse', { version: '2.0.0', 'xmlns:wfs': NS.wfs20, 'xmlns:fes': NS.fes20 },
    el('wfs:TransactionSummary', {}, total('totalInserted', s.inserted.length), total('totalUpdated', s.updated),
      total('totalReplaced', 0), total('totalDeleted', s.deleted)),
    s.inserted.length
      ? el('wfs:InsertResults', {}, ...s.inserted.map((i) => el('wfs:Feature', { handle: i.handle }, el('fes:ResourceId', { rid: i.rid }))))
      : '')
}

function response11(s: Summary): string {
  const total = (tag: string, n: number) => textEl(`wfs:${tag}`, n)
  return XML_DECLARATION + el('wfs:TransactionResponse', { version: '1.1.0', 'xmlns:wfs': NS.wfs11, 'xmlns:ogc': NS.ogc },
    el('wfs:TransactionSummary', {}, total('totalInserted', s.inserted.length), total('totalUpdated', s.updated), total('totalDeleted', s.deleted)),
    s.inserted.length
      ? el('wfs:InsertResults', {}, ...s.inserted.map((i) => el('wfs:Feature', { handle: i.handle }, el('ogc:FeatureId', { fid: i.rid }))))
      : '')
}

/** WFS 1.0.0 (QGIS up to 3.28 reads the Status of this form). */
function response10(s: Summary): string {
  return XML_DECLARATION + el('wfs:WFS_TransactionResponse', { version: '1.0.0', 'xmlns:wfs': NS.wfs11, 'xmlns:ogc': NS.ogc },
    s.inserted.length ? el('wfs:InsertResult', {}, ...s.inserted.map((i) => el('ogc:FeatureId', { fid: i.rid }))) : '',
    el('wfs:TransactionResult', {}, el('wfs:Status', {}, el('wfs:SUCCESS'))))
}
