/**
 * Script-injection payloads for every field that reaches a report (issue 22, item 1). Each one
 * that ran in a page would set `window.__xss`; rendered as text, each must appear verbatim.
 */
export const XSS_PAYLOADS: readonly string[] = [
  `<img src=x onerror="window.__xss='img'">`,
  `<script>window.__xss='script'</script>`,
  `<svg onload="window.__xss='svg'"><circle r=1 /></svg>`,
  `<iframe srcdoc="<script>parent.__xss='iframe'</script>"></iframe>`,
  `[click](javascript:window.__xss='link')`,
  `<javascript:window.__xss='autolink'>`,
  `<a href="javascript:window.__xss='a'">x</a>`,
  '`` ` <img src=x onerror="window.__xss=\'code\'"> ``',
  '` <img src=x onerror="window.__xss=\'close\'"> `',
  `&lt;img src=x onerror=window.__xss='entity'&gt; &#60;b&#62;`,
  `![x](x" onerror="window.__xss='alt')`,
  `[a]: javascript:window.__xss='ref' *em* __strong__ ~~del~~ | pipe |`,
  `https://evil.example/x www.evil.example a@evil.example`,
  `line one\n# heading\n<details open ontoggle="window.__xss='details'">`,
  `\\<img src=x onerror="window.__xss='backslash'">`,
];

/** Tags a rendered report may hold; anything else in the HTML came from data. */
export const REPORT_TAGS = new Set(
  'h1 h2 h3 h4 p strong em code pre table thead tbody tr th td a img blockquote ul ol li br hr del'.split(' '),
);

/** Attributes a rendered report may hold (href only to relative paths, src only to the plots' SVGs). */
const SAFE_ATTR = /^(href|src|alt|align|title)$/;

/**
 * What is wrong with the HTML `marked` makes of a report's markdown: tags or attributes that no
 * report writes, links that are not relative paths. Empty when the HTML is inert.
 */
export function unsafeHtml(html: string): string[] {
  const problems: string[] = [];
  for (const m of html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    const [tag, name, attrs] = m;
    if (!REPORT_TAGS.has(name.toLowerCase())) problems.push(`tag ${tag}`);
    for (const a of attrs.matchAll(/([^\s=/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      const value = (a[2] ?? '').replace(/^["']|["']$/g, '');
      if (!SAFE_ATTR.test(a[1])) problems.push(`attribute ${a[0]} in ${tag}`);
      else if ((a[1] === 'href' || a[1] === 'src') && !/^[\w.%-]+(\/[\w.%-]+)*$/.test(value))
        problems.push(`link ${value} in ${tag}`);
    }
  }
  return problems;
}

/** The text of rendered HTML (tags dropped, the entities marked writes decoded). */
export const htmlText = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
