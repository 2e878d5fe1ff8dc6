/**
 * The experiments view's report: rebuilt by the package's report builder as points arrive (at most
 * every 400 ms) and shown as its report.md renders, with the verdict line and the sweep directory's
 * files (sweep.json, points.jsonl and the report's files) as downloads.
 */
import { buildReport, pointsText, reportFiles } from 'rnn-gd/experiments';
import { $ } from '../shared/dom';
import { download } from '../shared/downloads';
import { markdownFragment, svgFragment } from '../shared/safe-html';
import { counts, type LabState } from './state';

export interface ReportPane {
  /** Rebuilds the report soon (or at once); resolves when that rebuild is shown. */
  schedule(now?: boolean): Promise<void>;
  /** The sweep directory's files, by name. */
  files(): { name: string; text: () => string }[];
}

export function createReportPane(s: LabState): ReportPane {
  const reportEl = $('lab-report');
  const verdictEl = $('lab-verdict');
  const filesEl = $('lab-files');
  let timer: ReturnType<typeof setTimeout> | null = null;
  let busy: Promise<void> = Promise.resolve();

  function schedule(now = false): Promise<void> {
    if (timer && !now) return busy;
    if (timer) clearTimeout(timer);
    return new Promise((resolve) => {
      timer = setTimeout(
        () => {
          timer = null;
          busy = busy.then(render).then(resolve, resolve);
        },
        now ? 0 : 400,
      );
    });
  }

  async function render(): Promise<void> {
    const m = s.manifest;
    const snapshot = [...s.results];
    if (!m || snapshot.length === 0) {
      s.built = null;
      reportEl.replaceChildren();
      verdictEl.hidden = true;
      filesEl.replaceChildren();
      return;
    }
    const b = await buildReport(m, snapshot);
    if (m !== s.manifest) return; // another sweep started meanwhile
    s.built = b;
    verdictEl.hidden = false;
    verdictEl.className = `verdict ${b.analysis.verdict.replace(/ /g, '-')}`;
    // While the sweep is not done (a finished width search is done), the verdict says it is partial.
    const c = counts(s);
    const partial = c && !c.complete ? ` (partial: ${c.finished} points finished, the sweep is not done)` : '';
    verdictEl.textContent = `${m.experiment}: ${b.analysis.verdict}${partial}. ${b.analysis.reason}`;
    reportEl.replaceChildren(await reportDocument(b));
    filesEl.replaceChildren(...files().map((f) => fileButton(f.name)));
  }

  function files(): { name: string; text: () => string }[] {
    const m = s.manifest;
    if (!m) return [];
    const out = [
      { name: 'sweep.json', text: () => JSON.stringify(m, null, 2) + '\n' },
      { name: 'points.jsonl', text: () => pointsText([...s.results].sort((a, b) => a.index - b.index)) },
    ];
    if (s.built) for (const f of reportFiles(s.built)) out.push({ name: f.name, text: () => f.text });
    return out;
  }

  const fileClick = (ev: Event) => {
    const target = (ev.target as HTMLElement).closest<HTMLElement>('[data-file]');
    if (!target) return;
    ev.preventDefault();
    const f = files().find((x) => x.name === target.dataset.file);
    if (f) download(f.name, f.text());
  };
  filesEl.addEventListener('click', fileClick);
  reportEl.addEventListener('click', fileClick);
  return { schedule, files };
}

/** The report as report.md renders, with its plots inline (the same SVGs as the downloads). */
async function reportDocument(b: Awaited<ReturnType<typeof buildReport>>): Promise<DocumentFragment> {
  const doc = await markdownFragment(b.markdown);
  for (const img of doc.querySelectorAll('img')) {
    const plot = b.plots.find((p) => img.getAttribute('src') === `${p.name}.svg`);
    if (!plot?.svg) continue;
    const fig = document.createElement('div');
    fig.className = 'plot';
    fig.dataset.plot = plot.name;
    fig.append(svgFragment(plot.svg));
    const svgEl = fig.querySelector('svg');
    if (svgEl) {
      svgEl.setAttribute('role', 'img');
      svgEl.setAttribute('aria-label', plot.title);
    }
    img.replaceWith(fig);
  }
  for (const a of doc.querySelectorAll('a[href]')) {
    // Links to the sweep's own files download them.
    const name = a.getAttribute('href')!;
    if (!/^[\w.-]+$/.test(name)) continue;
    a.setAttribute('href', '#');
    a.setAttribute('data-file', name);
  }
  for (const t of doc.querySelectorAll('table')) {
    const wrap = document.createElement('div');
    wrap.className = 'table-wrap';
    t.replaceWith(wrap);
    wrap.append(t);
  }
  return doc;
}

function fileButton(name: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'download';
  b.dataset.file = name;
  b.textContent = name;
  return b;
}
