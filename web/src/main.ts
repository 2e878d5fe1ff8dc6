/**
 * The demo page: two views on one page, the training view (one network, runs overlaid) and the
 * experiments view (the package's experiments as sweeps on Web Workers). The URL hash holds the
 * view and the whole setting of both, so a link reproduces a run or a sweep.
 */
import { PACKAGE_VERSION } from 'rnn-gd';
import { readHash, writeHash } from './hash';
import { createLabView } from './lab-view';
import { createTrainView } from './train-view';

const VIEWS = ['train', 'lab'] as const;
type View = (typeof VIEWS)[number];

document.getElementById('version')!.textContent = PACKAGE_VERSION;
const train = createTrainView();
const lab = createLabView();

function showView(v: View): void {
  for (const name of VIEWS) {
    document.getElementById(`view-${name}`)!.hidden = name !== v;
    const tab = document.getElementById(`tab-${name}`)!;
    tab.setAttribute('aria-selected', String(name === v));
    tab.tabIndex = name === v ? 0 : -1;
  }
  document.body.dataset.view = v;
  writeHash(['view'], v === 'train' ? {} : { view: v });
  (v === 'train' ? train : lab).show();
}

for (const name of VIEWS) document.getElementById(`tab-${name}`)!.addEventListener('click', () => showView(name));
const initial = readHash().get('view');
showView((VIEWS as readonly string[]).includes(initial ?? '') ? (initial as View) : 'train');

// For the browser tests (test/browser): the page's state, read-only.
Object.assign(window, { rnnGdDemo: { train: train.state, lab: lab.state } });
