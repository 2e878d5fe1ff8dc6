/**
 * The experiments view's setting: experiment, size, seeds and workers, from and to the URL, with
 * the experiment's claim and its planned points, and the sweep it plans as `rnn-gd experiment run`
 * does (the package's planner; no work done).
 */
import { EXPERIMENTS, getExperiment, planExperiment, planSweep, SIZES, type Size } from 'rnn-gd/experiments';
import { $ } from '../shared/dom';
import { writeHash } from '../shared/hash';
import { sweepKey } from './sweep-store';

export const LAB_KEYS = ['exp', 'size', 'seeds', 'workers'];

export const cores = () => Math.max(1, navigator.hardwareConcurrency || 1);

export interface LabControls {
  exp: HTMLSelectElement;
  size: HTMLSelectElement;
  seeds: HTMLInputElement;
  workers: HTMLInputElement;
}

/** The setting's inputs, with the registry's experiments and sizes as options. */
export function labControls(): LabControls {
  const c: LabControls = {
    exp: $<HTMLSelectElement>('lab-exp'),
    size: $<HTMLSelectElement>('lab-size'),
    seeds: $<HTMLInputElement>('lab-seeds'),
    workers: $<HTMLInputElement>('lab-workers'),
  };
  for (const e of EXPERIMENTS) c.exp.append(new Option(`${e.id} — ${e.title}`, e.id));
  for (const s of SIZES) c.size.append(new Option(s, s));
  c.workers.max = String(cores());
  return c;
}

/** Fills the setting from the URL: each key the URL names, the default for the others. */
export function applyLabSetting(c: LabControls, hash: URLSearchParams): void {
  const exp = hash.get('exp');
  const found = exp ? EXPERIMENTS.find((e) => e.id.toLowerCase() === exp.toLowerCase()) : undefined;
  c.exp.value = found?.id ?? EXPERIMENTS[0].id;
  const size = hash.get('size');
  c.size.value = size && (SIZES as readonly string[]).includes(size) ? size : SIZES[0];
  c.seeds.value = hash.get('seeds') ?? String(defaultSeeds(c));
  c.workers.value = hash.get('workers') ?? String(Math.min(2, cores()));
}

/** The experiment's default number of seeds at the chosen size. */
export const defaultSeeds = (c: LabControls) => getExperiment(c.exp.value).defaultSeeds[c.size.value as Size];

export const labSetting = (c: LabControls) => ({
  exp: c.exp.value,
  size: c.size.value as Size,
  seeds: Number(c.seeds.value),
  workers: Number(c.workers.value),
});

export function writeLabSetting(c: LabControls): void {
  const s = labSetting(c);
  writeHash(LAB_KEYS, { exp: s.exp, size: s.size, seeds: String(s.seeds), workers: String(s.workers) });
}

/** The experiment's claim and how many points the setting plans. */
export function describeSetting(c: LabControls): void {
  const e = getExperiment(c.exp.value);
  $('lab-claim').textContent = e.claim;
  const s = labSetting(c);
  let count = '';
  try {
    count = `${planSweep(e, s.size, { seeds: s.seeds }).length} points`;
  } catch (err) {
    count = (err as Error).message;
  }
  $('lab-plan').textContent = `${count} (${e.configs(s.size).length} configurations × ${s.seeds} seed(s)).`;
}

/** The sweep of the setting as `rnn-gd experiment run` plans it: its points, manifest and checkpoint key. */
export function planLabSweep(c: LabControls) {
  const s = labSetting(c);
  const sweep = planExperiment({ experiment: s.exp as never, size: s.size, seeds: s.seeds, backend: 'wasm' });
  return { s, sweep, key: sweepKey(sweep.manifest) };
}
