// Hostile WFS POST bodies: entity bombs, external entities, deep nesting and FES injections.
import type { Prng } from './prng.ts'
import { PASSWD_PATH, filterInjections, sqlFragments } from './values.ts'

const FES = 'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"'
const FES11 = 'xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"'

const escape = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!)

function getFeature(typeName: string, filter: string, version: '2.0.0' | '1.1.0' = '2.0.0', prolog = ''): string {
  if (version === '1.1.0') {
    return `<?xml version="1.0"?>${prolog}<wfs:GetFeature service="WFS" version="1.1.0" ${FES11}>` +
      `<wfs:Query typeName="${typeName}">${filter.replaceAll('fes:', 'ogc:').replaceAll('ValueReference', 'PropertyName')}</wfs:Query></wfs:GetFeature>`
  }
  return `<?xml version="1.0"?>${prolog}<wfs:GetFeature service="WFS" version="2.0.0" ${FES}>` +
    `<wfs:Query typeNames="${typeName}">${filter}</wfs:Query></wfs:GetFeature>`
}

const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') + ']>'

/** an XXE body: the answer must never hold the content of PASSWD_PATH */
export function xxeBodies(typeName: string): string[] {
  const dtd = `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://${PASSWD_PATH}">]>`
  const param = `<!DOCTYPE r [<!ENTITY % p SYSTEM "file://${PASSWD_PATH}"> %p;]>`
  return [
    getFeature(typeName, '<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>&xxe;</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>', '2.0.0', dtd),
    getFeature('&xxe;', '', '2.0.0', dtd),
    getFeature(typeName, '<ogc:Filter><ogc:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><ogc:PropertyName>name</ogc:PropertyName><ogc:Literal>&xxe;</ogc:Literal></ogc:PropertyIsLike></ogc:Filter>', '1.1.0', dtd),
    getFeature(typeName, '', '2.0.0', param),
    `<?xml version="1.0"?>${dtd}<wfs:GetCapabilities service="WFS" ${FES}><wfs:AcceptVersions>&xxe;</wfs:AcceptVersions></wfs:GetCapabilities>`,
    `<?xml version="1.0"?><wfs:GetFeature service="WFS" version="2.0.0" ${FES} xmlns:xi="http://www.w3.org/2001/XInclude"><wfs:Query typeNames="${typeName}"><xi:include href="file://${PASSWD_PATH}" parse="text"/></wfs:Query></wfs:GetFeature>`,
  ]
}

/** A WFS-T Transaction (the fuzz's principal may or may not be an editor: both answers are 4xx or 200). */
function transaction(version: '2.0.0' | '1.1.0', body: string): string {
  return `<?xml version="1.0"?><wfs:Transaction service="WFS" version="${version}" ${version === '1.1.0' ? FES11 : FES} ` +
    `xmlns:gridgov="https://gridgov.invalid/ns">${version === '1.1.0' ? body.replaceAll('fes:', 'ogc:').replaceAll('ValueReference', 'Name') : body}</wfs:Transaction>`
}

export function hostileXml(r: Prng, typeName: string, lon: number, lat: number): string {
  const inj = () => escape(r.pick([...sqlFragments, ...filterInjections]))
  const version = r.chance(0.5) ? '2.0.0' as const : '1.1.0' as const
  switch (r.int(0, 17)) {
    case 0: return getFeature(typeName, '<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>&lol9;</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>', version, lol)
    case 1: return r.pick(xxeBodies(typeName))
    case 2: return getFeature(typeName, `<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>${inj()}</fes:ValueReference><fes:Literal>1</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>`, version)
    case 3: return getFeature(typeName, `<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>${inj()}</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>`, version)
    case 4: return getFeature(typeName, `<fes:Filter><fes:PropertyIsLike wildCard="${inj()}" singleChar="_" escapeChar="\\"><fes:ValueReference>name</fes:ValueReference><fes:Literal>${inj()}%</fes:Literal></fes:PropertyIsLike></fes:Filter>`, version)
    case 5: return getFeature(`${inj()}`, '', version)
    case 6: return getFeature(typeName, `<fes:Filter><fes:ResourceId rid="${inj()}"/></fes:Filter>`, version)
    case 7: return getFeature(typeName, `<fes:Filter><fes:BBOX><fes:ValueReference>geom</fes:ValueReference><gml:Envelope srsName="${r.pick(['EPSG:999999', 'urn:ogc:def:crs:EPSG::4490', inj()])}"><gml:lowerCorner>NaN ${lat}</gml:lowerCorner><gml:upperCorner>1e309 -1e309</gml:upperCorner></gml:Envelope></fes:BBOX></fes:Filter>`, version)
    case 8: return getFeature(typeName, `<fes:Filter><fes:Intersects><fes:ValueReference>geom</fes:ValueReference><gml:Polygon srsName="EPSG:4490"><gml:exterior><gml:LinearRing><gml:posList>${lat} ${lon} ${lat + 0.01} ${lon + 0.01} ${lat} ${lon + 0.01} ${lat + 0.01} ${lon} ${lat} ${lon}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></fes:Intersects></fes:Filter>`, version)
    case 9: return getFeature(typeName, `<fes:Filter><fes:Intersects><fes:ValueReference>geom</fes:ValueReference><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>${Array.from({ length: r.int(1, 200_000) }, () => `${lat} ${lon}`).join(' ')} NaN</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></fes:Intersects></fes:Filter>`, version)
    case 10: { const n = r.pick([1000, 10_000, 50_000]); return getFeature(typeName, `<fes:Filter>${'<fes:Not>'.repeat(n)}<fes:PropertyIsNull><fes:ValueReference>name</fes:ValueReference></fes:PropertyIsNull>${'</fes:Not>'.repeat(n)}</fes:Filter>`, version) }
    case 11: return `<?xml version="1.0"?>${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`
    case 12: return r.pick(['<wfs:GetFeature', '<?xml version="1.0"?><wfs:GetFeature service="WFS"><wfs:Query>', '<a><b></a></b>', '', '<![CDATA[x]]>', '<?xml version="1.0" encoding="EBCDIC"?><a/>', 'not xml at all'])
    case 13: return getFeature(typeName, `<fes:Filter><fes:PropertyIsBetween><fes:ValueReference>reported_at</fes:ValueReference><fes:LowerBoundary><fes:Literal>2026-02-30</fes:Literal></fes:LowerBoundary><fes:UpperBoundary><fes:Literal>${inj()}</fes:Literal></fes:UpperBoundary></fes:PropertyIsBetween></fes:Filter>`, version)
    case 14: return getFeature(typeName, `<fes:Filter><fes:Function name="${inj()}"><fes:Literal>1</fes:Literal></fes:Function></fes:Filter>`, version)
    case 15: return transaction(version, `<wfs:Insert><${typeName}><gridgov:name>${inj()}</gridgov:name><gridgov:${inj().replace(/[^\w]/g, '') || 'x'}>1</gridgov:${inj().replace(/[^\w]/g, '') || 'x'}>` +
      `<gridgov:geom><gml:Point srsName="${r.pick(['EPSG:4490', 'urn:ogc:def:crs:EPSG::4490', 'GCJ-02', inj()])}"><gml:pos>${r.pick([`${lat} ${lon}`, `${lon} ${lat}`, 'NaN 1e309', inj()])}</gml:pos></gml:Point></gridgov:geom></${typeName}></wfs:Insert>`)
    // ids only: a fuzzed filter matching everything would empty the shared test city
    case 16: return transaction(version, r.pick([
      `<wfs:Update typeName="${typeName}"><wfs:Property><wfs:ValueReference>${inj()}</wfs:ValueReference><wfs:Value>${inj()}</wfs:Value></wfs:Property><fes:Filter><fes:ResourceId rid="${inj()}" version="${inj()}"/></fes:Filter></wfs:Update>`,
      `<wfs:Delete typeName="${typeName}"><fes:Filter><fes:ResourceId rid="${inj()}"/></fes:Filter></wfs:Delete>`,
      `<wfs:Delete typeName="${typeName}"/>`,
      `<wfs:Native vendorId="${inj()}" safeToIgnore="false">${inj()}</wfs:Native>`,
      `<wfs:Replace>${inj()}</wfs:Replace>`,
    ]))
    default: return `<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><wfs:GetFeature service="WFS" version="2.0.0" ${FES}><wfs:Query typeNames="${typeName}" srsName="${inj()}"/></wfs:GetFeature>`
  }
}

/** a FES filter for KVP FILTER= */
export function hostileKvpFilter(r: Prng, lon: number, lat: number): string {
  const inj = escape(r.pick([...sqlFragments, ...filterInjections]))
  return r.pick([
    `<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>${inj}</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>`,
    `<Filter><PropertyIsEqualTo><PropertyName>${inj}</PropertyName><Literal>1</Literal></PropertyIsEqualTo></Filter>`,
    `<Filter><PropertyIsGreaterThan><PropertyName>reported_at</PropertyName><Literal>2026-02-30</Literal></PropertyIsGreaterThan></Filter>`,
    `<Filter><BBOX><PropertyName>geom</PropertyName><Envelope><lowerCorner>${lat} NaN</lowerCorner><upperCorner>1e309 ${lon}</upperCorner></Envelope></BBOX></Filter>`,
    `<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://${PASSWD_PATH}">]><Filter><PropertyIsEqualTo><PropertyName>name</PropertyName><Literal>&xxe;</Literal></PropertyIsEqualTo></Filter>`,
    `${lol}<Filter><PropertyIsEqualTo><PropertyName>name</PropertyName><Literal>&lol9;</Literal></PropertyIsEqualTo></Filter>`,
    `<Filter>${'<Not>'.repeat(2000)}<PropertyIsNull><PropertyName>name</PropertyName></PropertyIsNull>${'</Not>'.repeat(2000)}</Filter>`,
    inj, '<Filter', '<Filter><And/></Filter>', '<Filter><PropertyIsLike><PropertyName>name</PropertyName><Literal>\u0000</Literal></PropertyIsLike></Filter>',
  ])
}
