// Notices and articles arrive as HTML the server has sanitised. The page still never assigns an
// HTML string to the document: it parses the text in an inert document (DOMParser runs no script
// and loads nothing) and copies over only the elements and attributes below, so a server that
// forgot to sanitise cannot put a script, a handler or a foreign image on the residents' page.
const KEEP = new Set(['P', 'BR', 'H2', 'H3', 'H4', 'H5', 'UL', 'OL', 'LI', 'STRONG', 'B', 'EM', 'I', 'U', 'BLOCKQUOTE',
  'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'A', 'SPAN', 'DIV', 'HR', 'PRE', 'CODE', 'SUB', 'SUP', 'IMG'])
// a heading of the article is not the page's heading
const RENAME: Record<string, string> = { H1: 'H2' }

function copy(node: Node, into: Node): void {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === Node.TEXT_NODE) {
      into.appendChild(document.createTextNode(child.textContent ?? ''))
      continue
    }
    if (!(child instanceof Element)) continue
    const tag = RENAME[child.tagName] ?? child.tagName
    if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'IFRAME' || tag === 'OBJECT' || tag === 'TEMPLATE') continue
    if (!KEEP.has(tag)) {
      copy(child, into) // an unknown wrapper: its text survives
      continue
    }
    const out = document.createElement(tag)
    if (tag === 'A') {
      const href = child.getAttribute('href') ?? ''
      if (/^(https?:\/\/|\/|#)/i.test(href)) out.setAttribute('href', href)
      if (/^https?:\/\//i.test(href)) out.setAttribute('rel', 'noopener noreferrer')
    } else if (tag === 'IMG') {
      // only our own origin's images (the CSP refuses others anyway)
      const src = child.getAttribute('src') ?? ''
      if (!/^\/(?!\/)/.test(src)) continue
      out.setAttribute('src', src)
      out.setAttribute('alt', child.getAttribute('alt') ?? '')
      out.setAttribute('loading', 'lazy')
    } else if ((tag === 'TD' || tag === 'TH') && child.getAttribute('colspan')) {
      out.setAttribute('colspan', String(Number(child.getAttribute('colspan')) || 1))
    }
    copy(child, out)
    into.appendChild(out)
  }
}

/** The article's HTML as elements of this page (allow-list copy); plain text stays text. */
export function richText(html: string): DocumentFragment {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html')
  const frag = document.createDocumentFragment()
  copy(doc.body, frag)
  // a wide table scrolls inside its own box, never the page
  for (const t of [...frag.querySelectorAll('table')]) {
    const box = document.createElement('div')
    box.className = 'table-box'
    t.replaceWith(box)
    box.appendChild(t)
  }
  return frag
}

/** Plain text of the HTML (a list's excerpt). */
export function plainText(html: string): string {
  return (new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html').body.textContent ?? '').replace(/\s+/g, ' ').trim()
}
