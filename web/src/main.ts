/**
 * The demo page: two views on one page, the training view (one network, runs overlaid) and the
 * experiments view (the package's experiments as sweeps on Web Workers). The URL hash holds the
 * view and the whole setting of both, so a link reproduces a run or a sweep, also when it is
 * opened in a tab that already shows the page.
 */
import { PACKAGE_VERSION } from 'rnn-gd';
import { readHash, writeHash } from './shared/hash';
import { createLabView } from './lab/view';
import { markdownFragment } from './shared/safe-html';
import { createTrainView } from './train/view';

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

const viewOf = (hash: URLSearchParams): View => {
  const v = hash.get('view');
  return (VIEWS as readonly string[]).includes(v ?? '') ? (v as View) : 'train';
};

for (const name of VIEWS) document.getElementById(`tab-${name}`)!.addEventListener('click', () => showView(name));
showView(viewOf(readHash()));

// A link pasted into this tab changes only the hash (no reload): both views take its setting.
window.addEventListener('hashchange', () => {
  const hash = readHash();
  train.followLink(hash);
  lab.followLink(hash);
  showView(viewOf(hash));
});

// "Copy link": the address of this page with the whole setting of both views.
const copyBtn = document.getElementById('copy-link') as HTMLButtonElement;
const copyStatus = document.getElementById('copy-status')!;
copyBtn.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(location.href);
    copyStatus.textContent = 'Link copied: it opens this setting (and this view).';
  } catch {
    // No clipboard (an insecure origin, a refused permission): the address bar holds the same link.
    copyStatus.textContent = 'The browser refused the clipboard: copy the address bar, which holds the setting.';
  }
});

// For the browser tests (test/browser): the page's state, read-only.
// renderMarkdown: the lab's markdown renderer (raw HTML off, DOMPurify), for the no-script test.
const renderMarkdown = async (md: string) => {
  const div = document.createElement('div');
  div.append(await markdownFragment(md));
  return div.innerHTML;
};
Object.assign(window, { rnnGdDemo: { train: train.state, lab: lab.state, renderMarkdown } });
