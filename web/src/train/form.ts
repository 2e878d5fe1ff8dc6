/**
 * The training form: its inputs built from the fields (train/fields.ts), the setting it holds (as
 * text values and as the run config the worker takes), the URL's setting applied to it, and the
 * checks before any work (the browser's field validity, then the package's validation and its
 * capacity plan, train/capacity.ts).
 */
import type { RunConfig } from './protocol';
import { capacityAdvice, planPageRun } from './capacity';
import { BASIC_DATA_FIELDS, HINTS } from './field-hints';
import { dataFields, FIELDS, idOf, initialValue, LABELS, PAGE_DEFAULTS, SECTIONS, SEED_KEY, systemOf } from './fields';
import { $ } from '../shared/dom';
import { readHash } from '../shared/hash';
import { configsOf, defaultOf, isShown, textOf, type FieldDef, type FormValues } from '../shared/schema-form';

export interface TrainForm {
  readonly inputs: Map<string, HTMLInputElement | HTMLSelectElement>;
  /** Each field's wrapper (hidden when the field does not apply to the setting). */
  readonly wrappers: Map<string, HTMLElement>;
  /** The system whose defaults the data fields hold (a system change replaces those still at them). */
  lastSystem: string;
}

export const formValues = (form: TrainForm): FormValues =>
  Object.fromEntries([...form.inputs].map(([k, el]) => [k, el.value]));

/** Builds the inputs under #fields, filled from the URL; `onChange` runs after a seed draw. */
export function buildForm(onChange: () => void): TrainForm {
  const form: TrainForm = { inputs: new Map(), wrappers: new Map(), lastSystem: PAGE_DEFAULTS.system };
  const host = $('fields');
  for (const [group, title] of SECTIONS) {
    const set = document.createElement('fieldset');
    set.className = 'group';
    const legend = document.createElement('legend');
    legend.textContent = title;
    const grid = document.createElement('div');
    grid.className = 'fields';
    set.append(legend, grid);
    // The teacher's and the inputs' details fold away (one-line hints under each field).
    let details: HTMLDetailsElement | null = null;
    let detailsGrid: HTMLElement | null = null;
    if (group === 'data') {
      details = document.createElement('details');
      details.className = 'advanced';
      details.id = 'data-details';
      const summary = document.createElement('summary');
      summary.textContent = 'Teacher and input details (κ, β, γ, memory function, particles, noise…)';
      detailsGrid = document.createElement('div');
      detailsGrid.className = 'fields';
      details.append(summary, detailsGrid);
    }
    for (const f of FIELDS.filter((x) => x.group === group)) {
      const wrap = fieldElement(form, f);
      (detailsGrid && !BASIC_DATA_FIELDS.has(f.key) ? detailsGrid : grid).append(wrap);
    }
    if (details) set.append(details);
    // The one seed, with the training options.
    if (group === 'train') {
      const wrap = document.createElement('div');
      wrap.className = 'field wide';
      wrap.innerHTML = `<label for="f-seed">Seed (data, init and batches)</label><span class="with-button"><input id="f-seed" name="seed" type="number" min="0" max="4294967295" step="1" required><button type="button" id="new-seed" title="Draw a new random seed">new seed</button></span>`;
      grid.append(wrap);
    }
    host.append(set);
  }
  const seed = $<HTMLInputElement>('f-seed');
  form.inputs.set(SEED_KEY, seed);
  $('new-seed').addEventListener('click', () => {
    seed.value = String(crypto.getRandomValues(new Uint32Array(1))[0]);
    onChange();
  });
  $<HTMLSelectElement>('f-system').addEventListener('change', () => {
    // Fields still at the old system's default take the new system's default.
    const next = systemOf(formValues(form));
    for (const f of dataFields) {
      const input = form.inputs.get(f.key)!;
      if (PAGE_DEFAULTS[f.key] === undefined && input.value === textOf(f, defaultOf(f, form.lastSystem)))
        input.value = textOf(f, defaultOf(f, next));
    }
    form.lastSystem = next;
  });
  applySetting(form, readHash());
  return form;
}

/** One field: its label, its input (a select for enums and booleans) and its one-line hint. */
function fieldElement(form: TrainForm, f: FieldDef): HTMLElement {
  const wrap = document.createElement('div');
  wrap.className = 'field';
  const label = document.createElement('label');
  label.htmlFor = idOf(f.key);
  label.textContent = LABELS[f.key] ?? f.path.join('.');
  let input: HTMLInputElement | HTMLSelectElement;
  if (f.kind === 'enum' || f.kind === 'boolean') {
    const sel = document.createElement('select');
    for (const o of f.kind === 'boolean' ? ['false', 'true'] : f.options!) sel.append(new Option(o, o));
    input = sel;
  } else {
    const inp = document.createElement('input');
    if (f.kind === 'numbers') {
      inp.type = 'text';
      inp.placeholder = 'default (comma-separated numbers)';
    } else {
      inp.type = 'number';
      inp.step = f.kind === 'integer' ? '1' : 'any';
      if (f.min !== undefined && !f.minExclusive) inp.min = String(f.min);
      if (f.max !== undefined) inp.max = String(f.max);
      if (!f.required) inp.placeholder = 'default';
    }
    input = inp;
  }
  input.id = idOf(f.key);
  input.name = f.key;
  form.inputs.set(f.key, input);
  form.wrappers.set(f.key, wrap);
  wrap.append(label, input);
  const hint = HINTS[f.key];
  if (hint) {
    const small = document.createElement('small');
    small.className = 'hint';
    small.id = `${idOf(f.key)}-hint`;
    small.textContent = hint;
    input.setAttribute('aria-describedby', small.id);
    wrap.append(small);
  }
  return wrap;
}

/** Fills the form from the URL: each key the URL names, the default for the others. */
export function applySetting(form: TrainForm, hash: URLSearchParams): void {
  const system = hash.get('system') ?? PAGE_DEFAULTS.system;
  for (const f of FIELDS) form.inputs.get(f.key)!.value = hash.get(f.key) ?? initialValue(f, system);
  form.inputs.get(SEED_KEY)!.value = hash.get(SEED_KEY) ?? PAGE_DEFAULTS.seed;
  form.lastSystem = systemOf(formValues(form));
  updateVisibility(form);
  // A link that sets a folded field unfolds its details, so the setting it carries is on screen.
  for (const f of FIELDS) if (hash.get(f.key)) unfold(form, f.key);
}

/** Puts a run's setting back into the form. */
export function setValues(form: TrainForm, values: FormValues): void {
  for (const [k, el] of form.inputs) el.value = values[k] ?? '';
}

/** Opens the folded details that hold field `key`, so it is on screen. */
export function unfold(form: TrainForm, key: string): void {
  const details = form.wrappers.get(key)?.closest('details');
  if (details) details.open = true;
}

export function updateVisibility(form: TrainForm): void {
  const v = formValues(form);
  for (const f of FIELDS) form.wrappers.get(f.key)!.hidden = !isShown(f, v);
}

export function runConfig(v: FormValues): RunConfig {
  const c = configsOf(FIELDS, v);
  return {
    data: { ...(c.data ?? {}), system: systemOf(v) },
    model: c.model ?? {},
    init: c.init ?? {},
    train: (c.train ?? {}) as RunConfig['train'],
    seed: Number(v[SEED_KEY]),
  };
}

/**
 * The package's validation and the capacity check, in the page, before any work: a clear
 * message naming the field (and what to change, in the page's own fields) instead of a set-up
 * that runs for a minute and then fails.
 */
export function checkRun(form: TrainForm, c: RunConfig): string | null {
  for (const [key, el] of form.inputs) {
    if (form.wrappers.get(key)?.hidden) continue;
    if (el instanceof HTMLInputElement && !el.checkValidity())
      return `${el.labels?.[0]?.textContent?.trim() ?? key}: ${el.validationMessage}`;
  }
  if (!Number.isSafeInteger(c.seed) || c.seed < 0) return 'Seed: must be a non-negative integer';
  try {
    return capacityAdvice(planPageRun(c));
  } catch (err) {
    return (err as Error).message;
  }
}
