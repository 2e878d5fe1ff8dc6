/** Saving text as a file from the page (a Blob behind an <a download>). */

const MIME: Record<string, string> = {
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  csv: 'text/csv',
  md: 'text/markdown',
  svg: 'image/svg+xml',
};

export function mimeOf(name: string): string {
  return MIME[name.split('.').pop() ?? ''] ?? 'text/plain';
}

/** Starts the download of `text` as `name`. */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeOf(name) }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A button that downloads what `text()` gives at the moment it is pressed. */
export function downloadButton(label: string, name: string, text: () => string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'download';
  b.textContent = label;
  b.dataset.file = name;
  b.title = `Download ${name}`;
  b.addEventListener('click', () => download(name, text()));
  return b;
}
