/**
 * Untrusted text (point ids, error messages, directory names, anything read from points, configs
 * or files) written into markdown: it must render as the same text and never as markup, a link or
 * HTML, in any CommonMark/GFM renderer (the lab renders report.md with `marked`).
 */

/** Line breaks and other control characters would start a new block (a heading, a raw HTML block). */
const oneLine = (s: unknown): string => String(s ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');

/**
 * Plain text: every character that can open markup is backslash-escaped (CommonMark escapes any
 * ASCII punctuation), including those of GFM's bare autolinks (`https://`, `www.`, `a@b`). The
 * parentheses too: inside a link's text, `marked` reads `\[a\](b)` as a nested link.
 */
export const mdText = (s: unknown): string =>
  oneLine(s)
    .replace(/[\\`*_[\]()<>|&!~#@]/g, '\\$&')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/(www)\./gi, '$1\\.');

/**
 * A code span that the text cannot close: the fence is one backtick longer than the longest run
 * inside (CommonMark), padded with spaces when the text starts or ends with a backtick.
 */
export function mdCode(s: unknown): string {
  const text = oneLine(s);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
