/** The experiments view's status line, in the CLI's terms: trained and not needed (a width search), or done of planned. */
import { counts, type LabState } from './state';

export function renderLabStatus(s: LabState, el: HTMLElement): void {
  const c = counts(s);
  const { manifest, phase, progress: p, resumed } = s;
  if (!manifest || !c) {
    el.textContent = 'Ready.';
    return;
  }
  const running = phase === 'running' || phase === 'stopping';
  const eta = p?.etaMs != null && phase === 'running' ? ` · about ${Math.ceil(p.etaMs / 1000)} s left` : '';
  const words =
    phase === 'running'
      ? 'Running'
      : phase === 'stopping'
        ? 'Stopping'
        : c.complete
          ? 'Done'
          : 'Stopped (finished points are saved; Run resumes)';
  const searched = manifest.search === true;
  const what = c.complete
    ? searched
      ? `${c.finished} points trained, ${c.notNeeded} of the ${c.planned} not needed (width search)`
      : `${c.finished} of ${c.planned} points finished`
    : searched && running && p
      ? `${c.finished} points trained of ${p.estimated ? 'about ' : ''}${resumed + p.total} (width search; at most ${c.planned})`
      : searched
        ? `${c.finished} points trained (width search; at most ${c.planned})`
        : `${c.finished} of ${c.planned} points finished`;
  el.textContent =
    `${words}: ${manifest.experiment} ${manifest.size}, ${what}` +
    (resumed ? ` (${resumed} from the saved checkpoint)` : '') +
    (p && phase === 'running' ? ` · ${p.running} running` : '') +
    (p?.failed ? ` · ${p.failed} failed` : '') +
    eta;
}
