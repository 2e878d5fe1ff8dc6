/**
 * The training form's fields, derived from the package's schemas (data, model, init, training),
 * with the page's labels, its starting values and one seed for data, init and batches.
 */
import { dataConfigSchema, initSchema, modelSpecSchema, trainSchema } from 'rnn-gd';
import { defaultOf, fieldsOf, textOf, type FieldDef, type FormValues } from '../shared/schema-form';

const modelFields = fieldsOf(modelSpecSchema, { group: 'model', skip: ['d'] });
const initFields = fieldsOf(initSchema, { group: 'init', skip: ['seed'] });
const trainFields = fieldsOf(trainSchema, { group: 'train', skip: ['seed'] });
const taken = new Set([...modelFields, ...initFields, ...trainFields].map((f) => f.key));
// The data's readout is the model's (one field); the seed is the page's one seed.
export const dataFields = fieldsOf(dataConfigSchema, { group: 'data', skip: ['seed', 'readout'], taken });
export const FIELDS: FieldDef[] = [...dataFields, ...modelFields, ...initFields, ...trainFields];
export const SEED_KEY = 'seed';
export const TRAIN_KEYS = [...FIELDS.map((f) => f.key), SEED_KEY];

/** The page's own starting values where the library has no default (or a slow one for a page). */
export const PAGE_DEFAULTS: Record<string, string> = {
  system: 'transport',
  recurrence: 'diagonal',
  m: '256',
  alpha: '0.5',
  T: '10',
  n: '256',
  nTest: '256',
  eta: '0.2',
  steps: '3000',
  'projection.kind': 'maxnorm',
  'projection.rho': '10',
  'inputs.r': '0.5',
  seed: '1',
};

/** Readable labels; a field without one shows its schema name. */
export const LABELS: Record<string, string> = {
  system: 'System',
  n: 'Sequences n',
  nTest: 'Test sequences',
  T: 'Length T',
  d: 'Input dimension d',
  'inputs.kind': 'Inputs',
  'inputs.scale': 'Input scale',
  'inputs.r': 'AR(1) coefficient r',
  noise: 'Label noise σ',
  normalize: 'Normalization',
  recurrence: 'Recurrence',
  activation: 'Activation',
  readout: 'Readout',
  m: 'Width m',
  alpha: 'Scale α',
  w: 'Init law of w_i(0)',
  eta: 'Step size η',
  steps: 'Steps τ',
  'projection.kind': 'Projection',
  'projection.rho': 'Projection radius ρ',
  batchSize: 'Batch size (0: full)',
  recordEvery: 'Record every',
  'data.alpha': 'Teacher α',
  'data.activation': 'Teacher activation',
  'data.recurrence': 'Teacher recurrence',
  M: 'Teacher particles M',
  map: 'Teacher map',
  wInit: 'Teacher w init',
  nuW: 'Teacher ν_w',
  nuU: 'Teacher ν_u',
  kappa: 'Teacher κ',
  beta: 'β (list)',
  gamma: 'γ (list)',
  memoryFn: 'Memory function',
  antithetic: 'Antithetic particles',
  seParticles: 'Particles for the std. error',
  backend: 'Teacher kernels on',
  mTeacher: 'Teacher width',
  nu: 'Teacher radius ν',
  anchors: 'Anchors',
  r: 'Filter pole r',
  k: 'Delay k',
  coordinate: 'Input coordinate',
};
export const SECTIONS: [string, string][] = [
  ['data', 'Data'],
  ['model', 'Model'],
  ['init', 'Initialization'],
  ['train', 'Training'],
];

export const idOf = (key: string) => `f-${key.replace(/\./g, '-')}`;
export const systemOf = (v: FormValues) => v.system ?? PAGE_DEFAULTS.system;

export function initialValue(f: FieldDef, system: string): string {
  return PAGE_DEFAULTS[f.key] ?? textOf(f, defaultOf(f, f.group === 'data' ? system : ''));
}
