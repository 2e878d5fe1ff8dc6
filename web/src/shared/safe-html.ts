/**
 * The report's markdown and plots as DOM that runs nothing. Points in IndexedDB (their ids, error
 * messages) are data: the report builder escapes them, and here the HTML is rendered with raw
 * HTML off and sanitized by DOMPurify before it enters the page (the Content-Security-Policy of
 * index.html is the last line).
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Raw HTML in the markdown is shown as text, never parsed. */
const markdown = new Marked({ renderer: { html: ({ text }) => escapeHtml(text) } });

/** The markdown as sanitized DOM (a fragment to move into the page). */
export async function markdownFragment(md: string): Promise<DocumentFragment> {
  const html = await markdown.parse(md, { async: true });
  return DOMPurify.sanitize(html, { RETURN_DOM_FRAGMENT: true });
}

/** An SVG string (a rendered plot) as sanitized DOM: no script, no event handler, no foreign element. */
export function svgFragment(svg: string): DocumentFragment {
  return DOMPurify.sanitize(svg, { USE_PROFILES: { svg: true, svgFilters: true }, RETURN_DOM_FRAGMENT: true });
}
