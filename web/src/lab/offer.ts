/**
 * The offer to resume: the most recent unfinished sweep saved in this browser (IndexedDB), with
 * Resume (runs only the points it still needs) and Discard.
 */
import { planExperiment } from 'rnn-gd/experiments';
import { deleteSweep, getPoints, type StoredSweep } from './sweep-store';

/**
 * Shows the offer for the most recent unfinished sweep in `el` and returns true, or returns false
 * when there is none. `resume` gets that sweep's manifest; `discarded` runs after its deletion.
 */
export async function offerResume(
  el: HTMLElement,
  sweeps: StoredSweep[],
  resume: (m: StoredSweep['manifest']) => void,
  discarded: () => void,
): Promise<boolean> {
  const u = sweeps.filter((s) => s.status === 'running').sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  if (!u) return false;
  const count = (await getPoints(u.key)).length;
  const m = u.manifest;
  const searched = planExperiment({
    experiment: m.experiment as never,
    size: m.size,
    seeds: m.seeds,
    backend: 'wasm',
  }).manifest.search;
  el.hidden = false;
  el.replaceChildren();
  const text = document.createElement('p');
  text.textContent = searched
    ? `An unfinished sweep is saved in this browser: ${m.experiment} (${m.size}, ${m.seeds} seed(s)), ${count} points finished (width search: at most ${m.totalPoints} in all). Resume runs only the points its width searches still need.`
    : `An unfinished sweep is saved in this browser: ${m.experiment} (${m.size}, ${m.seeds} seed(s)), ${count} of ${m.totalPoints} points finished. Resume runs only the other ${m.totalPoints - count}.`;
  const resumeBtn = document.createElement('button');
  resumeBtn.type = 'button';
  resumeBtn.className = 'primary';
  resumeBtn.id = 'lab-resume';
  resumeBtn.textContent = 'Resume';
  resumeBtn.addEventListener('click', () => resume(m));
  const discard = document.createElement('button');
  discard.type = 'button';
  discard.id = 'lab-discard';
  discard.textContent = 'Discard it';
  discard.addEventListener('click', async () => {
    await deleteSweep(u.key);
    el.hidden = true;
    discarded();
  });
  el.append(text, resumeBtn, discard);
  return true;
}
