/** The training view's status line and its list of runs (show/hide, downloads, "use setting", remove). */
import { metricsCsv } from 'rnn-gd';
import { $ } from '../shared/dom';
import { downloadButton } from '../shared/downloads';
import { formatNumber } from '../shared/plots';
import { isBusy, runLabel, type RunView, type TrainState } from './state';

export function renderStatus(s: TrainState, el: HTMLElement): void {
  if (s.phase === 'setup') {
    el.textContent = 'Generating data and initializing… (Cancel stops it)';
    return;
  }
  const { current, lastUpdate: u } = s;
  const last = current?.records[current.records.length - 1];
  if (!current || !u || !last) {
    el.textContent = current?.status === 'cancelled' ? 'Set-up cancelled.' : 'Ready.';
    return;
  }
  const words = { running: 'Training', paused: 'Paused', completed: 'Done', diverged: 'Diverged' }[u.status];
  el.textContent =
    `Run #${current.id}: ${words}: step ${u.step} of ${current.config.train.steps} · training risk ${formatNumber(last.risk)}` +
    (last.testRisk !== undefined ? ` · test risk ${formatNumber(last.testRisk)}` : '') +
    (u.status === 'running' ? ` · ${Math.round(u.stepsPerSecond).toLocaleString('en')} steps/s` : '') +
    (current.info ? ` · ${current.info.backend} (${current.info.wasmSource}) · seed ${current.config.seed}` : '');
}

/** The list element and what it shows now (rebuilt only when that changes, not on every frame). */
export interface RunList {
  el: HTMLElement;
  shown: string;
}

export interface RunActions {
  /** A run was shown or hidden. */
  toggled(): void;
  useSetting(r: RunView): void;
  remove(r: RunView): void;
}

export function renderRuns(list: RunList, s: TrainState, actions: RunActions): void {
  const key = s.runs.map((r) => `${r.id}:${r.status}:${r.visible}:${!!r.modelText}:${r.records.length > 0}`).join('|');
  if (key === list.shown) return;
  list.shown = key;
  list.el.replaceChildren();
  $('runs-empty').hidden = s.runs.length > 0;
  for (const r of s.runs) list.el.append(runItem(r, s, actions));
}

function runItem(r: RunView, s: TrainState, actions: RunActions): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.run = String(r.id);
  const show = document.createElement('input');
  show.type = 'checkbox';
  show.checked = r.visible;
  show.id = `run-show-${r.id}`;
  show.addEventListener('change', () => {
    r.visible = show.checked;
    actions.toggled();
  });
  const name = document.createElement('label');
  name.htmlFor = show.id;
  name.innerHTML = `<span class="swatch" style="background:${r.color}"></span>`;
  name.append(`${runLabel(r)} — ${r.status}${r.message ? `: ${r.message}` : ''}`);
  const buttons = document.createElement('span');
  buttons.className = 'run-actions';
  if (r.records.length > 0)
    buttons.append(downloadButton('metrics.csv', `run${r.id}-metrics.csv`, () => metricsCsv(r.records)));
  if (r.modelText) buttons.append(downloadButton('model.json', `run${r.id}-model.json`, () => r.modelText!));
  const again = document.createElement('button');
  again.type = 'button';
  again.textContent = 'use setting';
  again.title = 'Put this run’s setting into the form (and the URL)';
  again.disabled = isBusy(s);
  again.addEventListener('click', () => actions.useSetting(r));
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = 'remove';
  remove.disabled = r === s.current && isBusy(s);
  remove.addEventListener('click', () => actions.remove(r));
  buttons.append(again, remove);
  li.append(show, name, buttons);
  return li;
}
