// Unit tests of the hostile-input guards and the small translators (no database).
import { expect } from 'chai'
import { AppError } from '../../server/http/errors.ts'
import { decodeEntities, parseXml, XML_LIMIT_BYTES } from '../../server/ogc/common/xml.ts'
import { likePattern } from '../../server/ogc/filter/comparison.ts'
import { parseNamespaces } from '../../server/ogc/wfs/request.ts'
import { splitParenthesized } from '../../server/ogc/wfs/kvp.ts'

const code = (f: () => unknown) => {
  try {
    f()
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.ogc?.code}` : String(err)
  }
  return 'no error'
}

describe('WFS XML input and translators', () => {
  it('parses a namespaced filter into local names, keeping operand order and decoding predefined entities only', () => {
    const root = parseXml('<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsLessThan><fes:Literal>a &lt; b &amp; &#x4E2D;</fes:Literal><fes:ValueReference>x</fes:ValueReference></fes:PropertyIsLessThan></fes:Filter>')
    expect(root.name).to.equal('Filter')
    const op = root.children[0]!
    expect(op.children.map((c) => c.name)).to.deep.equal(['Literal', 'ValueReference'])
    expect(op.children[0]!.text).to.equal('a < b & 中')
    expect(decodeEntities('&foo; &#0; &#x110000;')).to.equal('&foo; &#0; &#x110000;')
  })

  it('refuses DTDs, entities, deep nesting, oversized and malformed documents with OperationParsingFailed', () => {
    expect(code(() => parseXml('<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'))).to.equal('400 OperationParsingFailed')
    expect(code(() => parseXml('<a><!ENTITY x SYSTEM "file:///etc/passwd"></a>'))).to.equal('400 OperationParsingFailed')
    expect(code(() => parseXml(`${'<a>'.repeat(65)}${'</a>'.repeat(65)}`))).to.equal('400 OperationParsingFailed')
    expect(code(() => parseXml(`${'<a>'.repeat(64)}${'</a>'.repeat(64)}`))).to.equal('no error')
    expect(code(() => parseXml(`<a>${'x'.repeat(XML_LIMIT_BYTES)}</a>`))).to.equal('413 OperationParsingFailed')
    expect(code(() => parseXml('<a><b></a>'))).to.equal('400 OperationParsingFailed')
    expect(code(() => parseXml('<a/><b/>'))).to.equal('400 OperationParsingFailed')
    // self-closing elements and CDATA do not count as nesting
    expect(code(() => parseXml(`<a>${'<b/>'.repeat(500)}<![CDATA[${'<c>'.repeat(100)}]]></a>`))).to.equal('no error')
  })

  it('translates PropertyIsLike patterns to LIKE with escapes', () => {
    expect(likePattern('*井盖', '*', '.', '!')).to.equal('%井盖')
    expect(likePattern('a.c', '*', '.', '!')).to.equal('a_c')
    expect(likePattern('100%_!*', '*', '.', '!')).to.equal('100\\%\\_*')
    expect(likePattern('a\\b', '*', '.', '!')).to.equal('a\\\\b')
  })

  it('reads NAMESPACES in both forms and parenthesised KVP lists', () => {
    expect([...parseNamespaces('xmlns(a,http://x/a),xmlns(b=http://x/b)')]).to.deep.equal([['a', 'http://x/a'], ['b', 'http://x/b']])
    expect(splitParenthesized('(a,b)(c)')).to.deep.equal(['a,b', 'c'])
    expect(splitParenthesized('a,b')).to.deep.equal(['a,b'])
    expect(splitParenthesized('(<f>(x)</f>)(<g/>)')).to.deep.equal(['<f>(x)</f>', '<g/>'])
  })
})
