// What a channel module gives the matrix: probes. A probe is one request aimed at a site's
// records (the IN site or the OUT site), the roles whose guard lets it through, and how to read
// the answer's content (tiles decoded, images as pixels, workbooks unzipped) so that a planted
// record is found by its markers, never by the status code alone.
import type { InjectOptions, Response } from 'light-my-request'
import type { Role } from '../../../server/auth/roles.ts'
import type { Site, Sites } from '../plant.ts'

export interface Probe {
  /** the channel family (REST, tiles, WMS …) and the probe's name within it */
  family: string
  name: string
  /** the roles whose guard lets the request through; every other role must get 401/403 */
  allowed: readonly Role[]
  /** the request aimed at a site's records */
  request(site: Site, sites: Sites): InjectOptions | string
  /** the answer's content as searchable text (default: its bytes as UTF-8 and Latin-1) */
  text?(res: Response): string | Promise<string>
  /** whether the content shows the site (default: one of the site's markers occurs in it) */
  shows?(text: string, site: Site, res?: Response): boolean
  /**
   * The role whose restricted principal must see the IN site through this probe (the inside
   * control: the request works for a restricted caller); null when the probe has none (a reason
   * is given in `why`). Default: the first allowed of community, street, district staff, analyst …
   */
  insideRole?: Role | null
  why?: string
  /**
   * Roles for which the channel shows records outside their jurisdiction by design (Open311's
   * public view); for them only `personal` markers count as a leak.
   */
  openTo?: readonly Role[]
  /** the demo user of the positive control (default: command, the command centre) */
  controlUser?: string
  personal?(site: Site): string[]
  /**
   * For layers and registers some roles may not read at all (readRoles): asked with the IN site
   * for every role, what of IN this role's answer shows that it must not (empty: nothing). IN is
   * inside every restricted principal's jurisdiction, so only the role keeps it out.
   */
  forbiddenIn?(text: string, role: Role, res: Response, site: Site): string[]
}

/** Whether a text holds a marker as a whole word (so E2026…001 is not found inside E2026…0012). */
export function hasMarker(text: string, marker: string): boolean {
  let from = 0
  for (;;) {
    const i = text.indexOf(marker, from)
    if (i < 0) return false
    const before = text[i - 1] ?? ' '
    const after = text[i + marker.length] ?? ' '
    if (!/[0-9A-Za-z]/.test(before) && !/[0-9A-Za-z]/.test(after)) return true
    from = i + 1
  }
}

export const markersIn = (text: string, site: Site): string[] => site.markers.filter((m) => hasMarker(text, m))

export const defaultText = (res: Response): string => {
  const raw = res.rawPayload
  return `${raw.toString('utf8')}\n${raw.toString('latin1')}`
}

/** lon/lat box of a site, widened by d degrees */
export const boxOf = (s: Site, d = 0): [number, number, number, number] => [s.box[0] - d, s.box[1] - d, s.box[2] + d, s.box[3] + d]
