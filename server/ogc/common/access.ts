// Who may read features through the OGC services. Capabilities and schemas are open (they list
// layer names and titles, no rows); feature data needs a signed-in principal, and every query
// is then restricted to that principal's jurisdiction. Desktop clients (QGIS, GDAL, OWSLib)
// only send HTTP Basic credentials after a 401 challenge, hence the WWW-Authenticate header.
import type { Context } from 'koa'
import { AppError } from '../../http/errors.ts'
import { principalOf } from '../../http/auth.ts'
import type { Principal } from '../../auth/users.ts'
import type { Catalogue } from '../../../tiles/catalogue.ts'
import { catalogueFor } from '../../../tiles/layerAccess.ts'

export const BASIC_CHALLENGE = 'Basic realm="gridgov", charset="UTF-8"'

/** The signed-in principal, or a 401 OGC exception that makes clients ask for credentials. */
export function requireReader(ctx: Context): Principal {
  const principal = principalOf(ctx)
  if (principal.kind === 'anonymous') {
    ctx.set('WWW-Authenticate', BASIC_CHALLENGE)
    throw new AppError(401, 'unauthorized', 'authentication required: sign in with HTTP Basic, a bearer token or an API key',
      {}, { code: 'NoApplicableCode' })
  }
  return principal
}

/**
 * The layers the caller may read (tiles/layerAccess.ts): capabilities list only these, and a
 * request naming another answers as for a layer that does not exist.
 */
export function layersOf(ctx: Context, catalogue: Catalogue): Catalogue {
  return catalogueFor(catalogue, principalOf(ctx))
}
