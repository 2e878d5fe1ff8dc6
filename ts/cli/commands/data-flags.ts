/**
 * The options of `rnn-gd data generate`, derived from the data systems' schemas (ts/data/systems.ts):
 * one option per config field, its kind, its choices and its defaults per system read from the
 * schema, so a data system is one file plus one registry line for the CLI too. DESCRIPTIONS only
 * adds words (and a flag name or argument name where the default would read badly); a field it does
 * not know still gets an option, named after the field.
 */
import { z } from 'zod';
import { dataConfigSchema } from '../../data/systems.js';

export type FlagKind = 'number' | 'string' | 'list' | 'bool';
export interface DataFlag {
  /** The config field. */
  key: string;
  /** The option without '--'. */
  flag: string;
  /** commander's name of its value in the parsed options (--nu-w -> nuW). */
  attribute: string;
  kind: FlagKind;
  arg: string;
  help: string;
}

/** Fields with options of their own elsewhere (--system, --seed, --inputs, --input-corr, --input-scale). */
const OWN_OPTIONS = new Set(['system', 'seed', 'inputs']);

const DESCRIPTIONS: Record<string, { flag?: string; arg?: string; what: string }> = {
  n: { arg: 'N', what: 'training sequences' },
  nTest: { arg: 'N', what: 'test sequences, 0 for none' },
  T: { arg: 'T', what: 'sequence length' },
  d: { arg: 'D', what: 'input dimension' },
  readout: { arg: 'R', what: 'targets at the last step or at every step' },
  noise: { arg: 'SIGMA', what: 'label noise sigma, in normalized units' },
  labels: { arg: 'L', what: "the system's targets, or random labels (a control)" },
  normalize: { arg: 'MODE', what: 'target normalization' },
  map: { arg: 'KIND', what: 'the transport map' },
  M: { arg: 'M', what: 'teacher particles' },
  activation: { arg: 'NAME', what: 'activation' },
  alpha: { arg: 'A', what: 'recurrent scale alpha' },
  wInit: { arg: 'LAW', what: 'law of w(0)' },
  nuW: { arg: 'A', what: 'bound nu_w of v_w' },
  nuU: { arg: 'B', what: 'bound nu_u of v_u' },
  kappa: { arg: 'K', what: 'frequency kappa > 0' },
  beta: { arg: 'V', what: 'direction, d comma-separated numbers (default: seeded random unit vector)' },
  gamma: { arg: 'V', what: 'direction inside the nonlinearity (default: seeded random unit vector)' },
  memoryFn: { arg: 'F', what: 'memory function, tanh (odd) or cos (even: f = 0 for odd sigma)' },
  antithetic: { what: 'draw particles in pairs (w, u), (w, -u)' },
  seParticles: { arg: 'K', what: 'particles for the Monte-Carlo error estimate, 0 to skip' },
  backend: { arg: 'NAME', what: 'backend of the teacher sums' },
  mTeacher: { arg: 'M', what: 'teacher width (even)' },
  nu: { arg: 'NU', what: '||V||' },
  anchors: { arg: 'L', what: 'anchor sequences spanning V' },
  init: { flag: 'teacher-init', arg: 'SCHEME', what: "scheme of Theta_T(0) (paired: earlier versions' teachers)" },
  r: { arg: 'R', what: 'decay r, |r| <= 1' },
  k: { arg: 'K', what: 'memory length k < T' },
  coordinate: { arg: 'Q', what: 'input coordinate' },
  recurrence: { arg: 'R', what: 'recurrence' },
};

const kebab = (key: string): string => (key.length === 1 ? key : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The field's base schema (under default/optional), its default, and its choices. */
function fieldOf(schema: z.ZodType): { type: string; fallback: unknown; choices?: readonly string[] } {
  let s = schema as unknown as { _zod: { def: Record<string, unknown> }; options?: readonly string[] };
  let fallback: unknown;
  for (;;) {
    const def = s._zod.def;
    if (def.type === 'default') fallback = def.defaultValue;
    if (def.type !== 'default' && def.type !== 'optional') break;
    s = def.innerType as typeof s;
  }
  const type = s._zod.def.type as string;
  return { type, fallback, choices: type === 'enum' ? s.options : undefined };
}

/** "(default 4; narma10: 1)": the most common default, then the systems that differ. */
function defaultsText(bySystem: Map<string, unknown>): string {
  const groups = new Map<string, string[]>();
  for (const [system, value] of bySystem) {
    if (value === undefined || typeof value === 'boolean') continue;
    const text = String(value);
    groups.set(text, [...(groups.get(text) ?? []), system]);
  }
  if (groups.size === 0) return '';
  const [common, ...others] = [...groups].sort((a, b) => b[1].length - a[1].length);
  return ` (default ${common[0]}${others.map(([v, systems]) => `; ${systems.join(', ')}: ${v}`).join('')})`;
}

/** One option per field of the systems' configs, in the order the systems declare them. */
export function dataFlags(variants = dataConfigSchema.options): DataFlag[] {
  const fields = new Map<string, { schema: z.ZodType; systems: Map<string, unknown> }>();
  for (const variant of variants) {
    const system = String(variant.shape.system.value);
    for (const [key, schema] of Object.entries(variant.shape as Record<string, z.ZodType>)) {
      if (OWN_OPTIONS.has(key)) continue;
      const field = fields.get(key) ?? { schema, systems: new Map<string, unknown>() };
      field.systems.set(system, fieldOf(schema).fallback);
      fields.set(key, field);
    }
  }
  return [...fields].map(([key, { schema, systems }]) => {
    const { type, choices } = fieldOf(schema);
    const kind: FlagKind =
      type === 'number' ? 'number' : type === 'array' ? 'list' : type === 'boolean' ? 'bool' : 'string';
    const words = DESCRIPTIONS[key];
    const flag = words?.flag ?? kebab(key);
    const where = systems.size === variants.length ? '' : `${[...systems.keys()].join(', ')}: `;
    const values = choices ? `: ${choices.join(' | ')}` : '';
    const help = `${where}${words?.what ?? key}${values}${defaultsText(systems)}`;
    return { key, flag, attribute: camel(flag), kind, arg: words?.arg ?? 'V', help };
  });
}
