/**
 * Form fields derived from the package's own zod schemas (through their JSON Schema), so the page
 * offers every field the library accepts and nothing it does not: a new option of a data system
 * or of training appears here by itself.
 *
 * A field has a flat key (`m`, `inputs.kind`, `projection.rho`, `data.alpha`) that is also its URL
 * parameter, and a path into the config object it fills. Discriminated unions (the data systems,
 * the input laws, the projections) become a select of the variants plus the fields of the chosen
 * variant (`showIf`).
 */
import { z } from 'zod';

type JsonSchema = {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
};

export type FieldKind = 'number' | 'integer' | 'enum' | 'boolean' | 'numbers';

export interface FieldDef {
  key: string;
  /** Which config object it fills (data, model, init, train) and where in it. */
  group: string;
  path: string[];
  kind: FieldKind;
  options?: string[];
  min?: number;
  /** The bound is exclusive (x > min). */
  minExclusive?: boolean;
  max?: number;
  /** Default per variant of the enclosing union ('' when there is no union). */
  defaults: Map<string, unknown>;
  required: boolean;
  /** Shown only when the field `key` has one of `values`. */
  showIf?: { key: string; values: string[] };
}

const toJson = (schema: z.ZodType): JsonSchema =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

const isUnion = (s: JsonSchema) =>
  (s.oneOf ?? []).length > 0 && (s.oneOf ?? []).every((v) => v.type === 'object' && v.properties);

/** The discriminating property of a union of objects: the one that is a constant in every variant. */
function discriminator(variants: JsonSchema[]): string {
  const first = variants[0].properties ?? {};
  const key = Object.keys(first).find((k) => variants.every((v) => v.properties?.[k]?.const !== undefined));
  if (!key) throw new Error('schema form: a union without a discriminating constant');
  return key;
}

function kindOf(s: JsonSchema): Omit<FieldDef, 'key' | 'group' | 'path' | 'defaults' | 'required'> | null {
  if (s.enum) return { kind: 'enum', options: s.enum.map(String) };
  if (s.type === 'boolean') return { kind: 'boolean' };
  if (s.type === 'array' && s.items?.type === 'number') return { kind: 'numbers' };
  if (s.type === 'integer' || s.type === 'number') {
    const big = (v?: number) => (v !== undefined && Math.abs(v) < 2 ** 52 ? v : undefined);
    const min = big(s.exclusiveMinimum) ?? big(s.minimum);
    return {
      kind: s.type,
      ...(min !== undefined ? { min, minExclusive: s.exclusiveMinimum !== undefined } : {}),
      ...(big(s.maximum) !== undefined ? { max: big(s.maximum) } : {}),
    };
  }
  return null; // seeds (string or integer) and free-form values: not form fields
}

export interface GroupOptions {
  group: string;
  /** Properties left out (set by the page: seeds, d, the data's readout). */
  skip?: string[];
  /** Keys already taken by other groups: a clash gets the prefix `${group}.`. */
  taken?: Set<string>;
}

/** The fields of one config object's schema (a plain object or a discriminated union of objects). */
export function fieldsOf(schema: z.ZodType, opts: GroupOptions): FieldDef[] {
  const out = new Map<string, FieldDef>();
  const skip = new Set(opts.skip ?? []);
  const keyFor = (path: string[]) => {
    const k = path.join('.');
    return opts.taken?.has(k) ? `${opts.group}.${k}` : k;
  };

  const walkObject = (s: JsonSchema, path: string[], variant: string, showIf?: FieldDef['showIf']) => {
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      if (path.length === 0 && skip.has(name)) continue;
      if (prop.const !== undefined) continue; // a union's discriminator: the select stands for it
      const p = [...path, name];
      if (isUnion(prop)) {
        walkUnion(prop, p, variant, showIf);
        continue;
      }
      const k = kindOf(prop);
      if (!k) continue;
      add(
        { key: keyFor(p), group: opts.group, path: p, ...k, required: (s.required ?? []).includes(name), showIf },
        variant,
        prop.default,
      );
    }
  };

  const walkUnion = (s: JsonSchema, path: string[], variant: string, showIf?: FieldDef['showIf']) => {
    const variants = s.oneOf!;
    const disc = discriminator(variants);
    const p = [...path, disc];
    const values = variants.map((v) => String(v.properties![disc].const));
    const dflt = (s.default as Record<string, unknown> | undefined)?.[disc];
    add(
      { key: keyFor(p), group: opts.group, path: p, kind: 'enum', options: values, required: true, showIf },
      variant,
      dflt ?? values[0],
    );
    const selectKey = keyFor(p);
    for (const v of variants) {
      const value = String(v.properties![disc].const);
      // Defaults of an inner union's fields are those of its enclosing default object, when there is one.
      walkObject(v, path, path.length === 0 ? value : variant, { key: selectKey, values: [value] });
    }
  };

  const add = (f: Omit<FieldDef, 'defaults'>, variant: string, dflt: unknown) => {
    const prev = out.get(f.key);
    if (prev) {
      // The same property in several variants (n, T, scale, ...): one field, shown for all of them.
      if (prev.showIf && f.showIf && prev.showIf.key === f.showIf.key)
        prev.showIf.values = [...new Set([...prev.showIf.values, ...f.showIf.values])];
      else if (!f.showIf || prev.showIf?.key !== f.showIf?.key) prev.showIf = undefined;
      if (dflt !== undefined) prev.defaults.set(variant, dflt);
      return;
    }
    out.set(f.key, {
      ...f,
      showIf: f.showIf && { ...f.showIf },
      defaults: new Map(dflt !== undefined ? [[variant, dflt]] : []),
    });
  };

  const root = toJson(schema);
  if (isUnion(root)) walkUnion(root, [], '');
  else walkObject(root, [], '');
  // A field present in every variant of the top-level union is always shown.
  const top = [...out.values()].find((f) => f.path.length === 1 && f.kind === 'enum' && !f.showIf && isUnion(root));
  if (top)
    for (const f of out.values())
      if (f.showIf?.key === top.key && f.showIf.values.length === top.options!.length) f.showIf = undefined;
  return [...out.values()];
}

/** The default of a field for the current value of the top-level variant (e.g. the data system). */
export function defaultOf(f: FieldDef, variant: string): unknown {
  return f.defaults.has(variant) ? f.defaults.get(variant) : f.defaults.get('');
}

export type FormValues = Record<string, string>;

/** Text of a value as the form (and the URL) hold it. */
export function textOf(f: FieldDef, v: unknown): string {
  if (v === undefined || v === null) return '';
  if (f.kind === 'numbers') return (v as number[]).join(', ');
  return String(v);
}

/** A field's text as a config value; undefined when blank (the library's default applies). */
export function valueOf(f: FieldDef, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  switch (f.kind) {
    case 'number':
    case 'integer':
      return Number(t);
    case 'boolean':
      return t === 'true';
    case 'numbers':
      return t
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number);
    default:
      return t;
  }
}

export const isShown = (f: FieldDef, values: FormValues): boolean =>
  !f.showIf || f.showIf.values.includes(values[f.showIf.key] ?? '');

/** The config objects (one per group) of the shown fields; blank fields are left out. */
export function configsOf(fields: readonly FieldDef[], values: FormValues): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of fields) {
    if (!isShown(f, values)) continue;
    const v = valueOf(f, values[f.key] ?? '');
    if (v === undefined) continue;
    let o = (out[f.group] ??= {});
    for (const p of f.path.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[f.path[f.path.length - 1]] = v;
  }
  return out;
}
