/**
 * The registry of data systems: one module per system in ./systems/, one line each here. The
 * config schema of generateData is the discriminated union of their schemas on `system`.
 */
import { z } from 'zod';
import type { DataSystem } from './system.js';
import { delay } from './systems/delay.js';
import { denseTeacher } from './systems/dense-teacher.js';
import { linearFilter } from './systems/linear-filter.js';
import { narma10 } from './systems/narma10.js';
import { teacherRnn } from './systems/teacher-rnn.js';
import { transport } from './systems/transport.js';

const REGISTERED = [transport, denseTeacher, linearFilter, delay, narma10, teacherRnn] as const;

/** The schemas of a tuple of systems, as a tuple (what z.discriminatedUnion needs to type the union). */
type SchemasOf<T extends readonly unknown[]> = {
  -readonly [K in keyof T]: T[K] extends DataSystem<infer S> ? S : never;
};
type Schemas = SchemasOf<typeof REGISTERED>;

export const dataConfigSchema = z.discriminatedUnion('system', REGISTERED.map((s) => s.schema) as unknown as Schemas);

/** A validated data config (defaults filled in). */
export type DataConfig = z.output<typeof dataConfigSchema>;
/**
 * A data config as callers write it: a union discriminated on `system`, each variant with the
 * common fields (n, nTest, T, d, readout, inputs, noise, normalize, seed; all optional) and that
 * system's own options. A misspelled system or an option another system owns is a compile error;
 * generateData still validates at run time (values, ranges, cross-field checks).
 */
export type DataConfigInput = z.input<typeof dataConfigSchema>;

export type SystemName = DataConfig['system'];
/** The config input of one system, e.g. `DataConfigInputOf<'transport'>`. */
export type DataConfigInputOf<S extends SystemName> = Extract<DataConfigInput, { system: S }>;
export const SYSTEMS = REGISTERED.map((s) => s.schema.shape.system.value) as readonly SystemName[];

const BY_NAME = new Map<string, DataSystem>(
  REGISTERED.map((s) => [s.schema.shape.system.value, s as unknown as DataSystem]),
);

/** The system of a name in SYSTEMS. */
export function systemOf(name: SystemName): DataSystem {
  return BY_NAME.get(name)!;
}
