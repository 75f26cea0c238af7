// The city's own networks (config TRUSTED_NETWORKS, CIDR blocks): a command centre or a street
// office puts hundreds of staff behind one address, and counting their sign-in failures per
// address would let one guesser lock all of them out (a denial of service). Failures from these
// networks are counted per login name only. Kept free of other imports: server/config.ts uses it.
import net from 'node:net'

/** `10.0.0.0/8` → its parts, or undefined when it is not a CIDR block (a bare address is a /32 or /128). */
export function parseCidr(block: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const m = /^([0-9A-Fa-f:.]{2,45})(?:\/(\d{1,3}))?$/.exec(block.trim())
  if (!m) return undefined
  const version = net.isIP(m[1]!)
  if (version === 0) return undefined
  const type = version === 4 ? 'ipv4' : 'ipv6'
  const max = version === 4 ? 32 : 128
  const prefix = m[2] === undefined ? max : Number(m[2])
  if (!(prefix >= 0 && prefix <= max)) return undefined
  return { address: m[1]!, prefix, type }
}

export interface TrustedNetworks { has(address: string): boolean }

/** A matcher over the blocks (invalid ones were refused by the configuration already: skipped here). */
export function trustedNetworks(blocks: readonly string[]): TrustedNetworks {
  const list = new net.BlockList()
  let any = false
  for (const b of blocks) {
    const c = parseCidr(b)
    if (c) {
      list.addSubnet(c.address, c.prefix, c.type)
      any = true
    }
  }
  return {
    has(address: string): boolean {
      if (!any) return false
      // an IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d
      const plain = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address
      const version = net.isIP(plain)
      return version !== 0 && list.check(plain, version === 4 ? 'ipv4' : 'ipv6')
    },
  }
}
