// The HTML of a notice: sanitize-html with a small allow-list (text structure and links; no
// script, style, event handler, iframe, image or javascript: URL). What is stored is what this
// returns, so every reader (staff page, residents' page) gets the same safe markup.
import sanitizeHtml from 'sanitize-html'

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'a', 'table', 'thead',
    'tbody', 'tr', 'th', 'td', 'span', 'hr'],
  allowedAttributes: { a: ['href', 'title'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer', target: '_blank' }) },
}
OPTIONS.allowedAttributes = { a: ['href', 'title', 'rel', 'target'] }

export function sanitizeNotice(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim()
}

/** The visible text of sanitised HTML (for the "body has no text" check). */
export function textOf(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} }).replace(/&nbsp;/g, ' ').trim()
}
