// Capabilities validated against the OGC schemas shipped in test/ogc/schemas (offline: xmllint
// --nonet with an XML catalog mapping schemas.opengis.net and www.w3.org to the copies there).
// Needs xmllint (Debian libxml2-utils).
import { expect } from 'chai'
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testClient, type Client } from '../support/http.ts'

const SHIPPED = fileURLToPath(new URL('./schemas/', import.meta.url))
const HOSTS = ['schemas.opengis.net', 'www.w3.org']

/**
 * A working copy of the shipped schemas whose absolute schemaLocations point to the neighbouring
 * files. Why: libxml2 keys a schema by the URL it was reached by; filter 1.1.0 is imported by URL
 * (through the catalog) and included back relatively, so it would load twice and clash.
 */
function workingCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'gridgov-schemas-'))
  cpSync(SHIPPED, root, { recursive: true })
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]))
  for (const file of walk(root).filter((f) => f.endsWith('.xsd'))) {
    const text = readFileSync(file, 'utf8')
    const local = text.replace(/schemaLocation="https?:\/\/(schemas\.opengis\.net|www\.w3\.org)\/([^"]+)"/g,
      (_, host: string, path: string) => `schemaLocation="${relative(dirname(file), join(root, host, path))}"`)
    if (local !== text) writeFileSync(file, local)
  }
  // one entry point for WMS 1.3.0 with its SLD 1.1.0 extension (GetLegendGraphic, sld:UserDefinedSymbolization)
  writeFileSync(join(root, 'wms-sld.xsd'), '<?xml version="1.0"?><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:gridgov:test">' +
    '<xs:import namespace="http://www.opengis.net/wms" schemaLocation="schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd"/>' +
    '<xs:import namespace="http://www.opengis.net/sld" schemaLocation="schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd"/></xs:schema>')
  return root
}

function hasXmllint(): boolean {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** xmllint's verdict: '' when valid, else its messages. */
function validate(xml: string, schema: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gridgov-xsd-'))
  const file = join(dir, 'doc.xml')
  writeFileSync(file, xml)
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--catalogs', '--schema', schema, file], {
    encoding: 'utf8', env: { ...process.env, XML_CATALOG_FILES: join(SHIPPED, 'catalog.xml') },
  })
  return r.status === 0 ? '' : r.stderr.split('\n').filter((l) => !/Skipping import|SGML_CATALOG_FILES/.test(l)).join('\n').slice(0, 4000)
}

describe('capabilities valid against the shipped OGC schemas (offline)', function () {
  this.timeout(120_000)
  let client: Client
  let OGC: string
  let root: string
  before(async function () {
    // CI installs libxml2-utils; a machine without it cannot run these checks
    if (!hasXmllint()) this.skip()
    root = workingCopy()
    OGC = join(root, HOSTS[0]!)
    client = await testClient()
  })

  const cases: [string, string, string][] = [
    ['WMS 1.3.0 GetCapabilities', '/ogc/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0', '../wms-sld.xsd'],
    ['WFS 2.0.0 GetCapabilities', '/ogc/wfs?SERVICE=WFS&REQUEST=GetCapabilities&ACCEPTVERSIONS=2.0.0', 'wfs/2.0/wfs.xsd'],
    ['WFS 1.1.0 GetCapabilities', '/ogc/wfs?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=1.1.0', 'wfs/1.1.0/wfs.xsd'],
    ['WFS 2.0.0 exception report', '/ogc/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=nope', 'ows/1.1.0/owsExceptionReport.xsd'],
  ]
  for (const [name, url, schema] of cases) {
    it(name, async () => {
      const res = await client.get(url)
      expect(res.body.length).to.be.greaterThan(200)
      expect(validate(res.body, join(OGC, schema)), name).to.equal('')
    })
  }

  it('a document the schema refuses is reported (the check can fail)', () => {
    const bad = '<?xml version="1.0"?><WMS_Capabilities xmlns="http://www.opengis.net/wms" version="1.3.0"><Nonsense/></WMS_Capabilities>'
    expect(validate(bad, join(OGC, 'wms/1.3.0/capabilities_1_3_0.xsd'))).to.match(/Nonsense|not expected/)
  })
})
