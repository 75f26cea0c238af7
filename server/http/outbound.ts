// Requests the server makes to addresses users configure (opinion feeds): a URL must not reach
// the server itself or the city's internal network (SSRF), unless that network is allowed by
// configuration. The host is resolved and every address it names is checked, so a public name
// pointing at 127.0.0.1 is refused like the literal; redirects are followed by hand and each hop
// is checked again. The check and the connection resolve separately (a DNS answer changed in
// between is not caught); a deployment that must close that gap puts an egress proxy in front.
import dns from 'node:dns/promises'
import net from 'node:net'
import { trustedNetworks } from '../auth/networks.ts'

/** Loopback, private, link-local, carrier-grade NAT, unspecified, multicast and reserved ranges. */
const INTERNAL: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], ['10.0.0.0', 8, 'ipv4'], ['100.64.0.0', 10, 'ipv4'], ['127.0.0.0', 8, 'ipv4'], ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'], ['192.0.0.0', 24, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['198.18.0.0', 15, 'ipv4'], ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'], ['::1', 128, 'ipv6'], ['fc00::', 7, 'ipv6'], ['fe80::', 10, 'ipv6'], ['ff00::', 8, 'ipv6'], ['64:ff9b::', 96, 'ipv6'],
]
const internal = new net.BlockList()
for (const [a, p, t] of INTERNAL) internal.addSubnet(a, p, t)

export class InternalTargetError extends Error {
  constructor(readonly host: string, readonly address: string) {
    super(`${host} resolves to ${address}, an internal address`)
  }
}

/** An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address. */
function plain(address: string): string {
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address
}

export function isInternalAddress(address: string): boolean {
  const a = plain(address)
  const v = net.isIP(a)
  return v === 0 || internal.check(a, v === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Throws InternalTargetError when the URL's host is or resolves to an internal address outside
 * `allowed` (CIDR blocks). A name that does not resolve is left to the request to fail.
 */
export async function assertPublicTarget(url: string, allowed: readonly string[]): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')
  let addresses: string[]
  if (net.isIP(host)) addresses = [host]
  else {
    try {
      addresses = (await dns.lookup(host, { all: true, verbatim: true })).map((r) => r.address)
    } catch {
      return
    }
  }
  const allow = trustedNetworks(allowed)
  for (const a of addresses) if (isInternalAddress(a) && !allow.has(plain(a))) throw new InternalTargetError(host, a)
}

const MAX_REDIRECTS = 5

/** fetch() for a configured URL: every hop checked by assertPublicTarget. */
export async function fetchPublic(url: string, init: RequestInit, allowed: readonly string[]): Promise<Response> {
  let target = url
  for (let hop = 0; ; hop++) {
    await assertPublicTarget(target, allowed)
    const res = await fetch(target, { ...init, redirect: 'manual' })
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null
    if (!location) return res
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`)
    await res.body?.cancel()
    target = new URL(location, target).toString()
    if (!/^https?:$/.test(new URL(target).protocol)) throw new Error(`a redirect to ${new URL(target).protocol} is not followed`)
  }
}
