/**
 * What an experiment is: a preset (size -> list of point configs) and an analysis (results ->
 * fits, tables, plots and an honest verdict). Each experiment E1..E8 lives in its own module.
 */
import type { DataConfigInput } from '../data/generate.js';
import { ValidationError } from '../core/errors.js';
import type { ModelSpecInput, TrainOptionsInput } from '../core/config.js';
import type { ExperimentId, MeasureOptions, ParamValue, PointConfig, PointResult, Size } from './types.js';
import type { WInit } from '../core/types.js';
import { checkEtaChoice, type EtaChoice } from './step-size.js';

export type Verdict = 'matches' | 'does not match' | 'inconclusive';

/** A fitted model with its numbers (reported as they are). */
export interface Fit {
  name: string;
  /** The model, e.g. 'm* = a + b log n'. */
  formula: string;
  params: Record<string, number | null>;
  r2?: number | null;
  /** Points used. */
  n: number;
  note?: string;
}

export interface Table {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export interface Plot {
  /** File stem: NAME.vl.json and NAME.svg. */
  name: string;
  title: string;
  /** A vega-lite spec with its data inline. */
  spec: Record<string, unknown>;
}

export interface Analysis {
  verdict: Verdict;
  /** Why, with the numbers. */
  reason: string;
  /** What was measured (markdown). */
  measured: string;
  fits: Fit[];
  tables: Table[];
  plots: Plot[];
  /** Notes: caveats, [derived] labels. */
  notes?: string[];
}

export interface PresetOptions {
  /** Replicates per configuration (default: the experiment's default for the size). */
  seeds?: number;
  /** Run every point of the grid even where the experiment searches (default false). */
  grid?: boolean;
  /**
   * The step size, for the experiments that take one (Experiment.etaOption): a number, 'theory'
   * (c / L_T^2 with L_T measured at Theta(0)) or the best of a grid (step-size.ts). Absent: the
   * preset's own eta.
   */
  eta?: EtaChoice;
}

export interface Experiment {
  id: ExperimentId;
  title: string;
  /** The paper's claim under test (quoted from the paper's statements; [derived] where it is ours). */
  claim: string;
  /** The setting in words: model, data, training (markdown). */
  setting(size: Size): string;
  defaultSeeds: Record<Size, number>;
  /** The configurations (without seeds) for a size; the sweep crosses them with the seeds. */
  configs(size: Size, opts?: PresetOptions): PointTemplate[];
  /** The configurations take PresetOptions.eta (the experiments whose claim is about iterations). */
  etaOption?: boolean;
  /**
   * Search the smallest value of `param` (a width) whose run reaches eps, per configuration without
   * it and seed, instead of running every value (search.ts). `start`: the value the search begins
   * with (default: the smallest); it is always run.
   */
  search?: { param: string; start?: (size: Size) => ParamValue | undefined };
  analyze(results: PointResult[], size: Size): Analysis;
}

/** A configuration before seeding: everything but the seed-dependent fields. */
export interface PointTemplate {
  params: Record<string, ParamValue>;
  /** The architecture; d defaults to the data's. */
  model: Omit<ModelSpecInput, 'd'> & { d?: number };
  initW?: WInit;
  /** The data generator's config; points with equal data config, data stream and seed number share data and teacher. */
  data: DataConfigInput;
  /**
   * Appended to the data seed (`<id>/data/<seed>/<dataStream>`): templates with different streams
   * draw independent data and teachers for the same seed number (E1: one data set per n, shared by
   * the widths of that n). Absent: the data seed `<id>/data/<seed>`.
   */
  dataStream?: string;
  train: TrainOptionsInput;
  rhoOverNu?: number;
  /** How the step size is chosen (PointConfig.eta); absent: train.eta. */
  eta?: EtaChoice;
  measure: MeasureOptions;
}

/** 'n=128/m=16' from swept values, in their declared order. */
export const paramKey = (params: Record<string, ParamValue>): string =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join('/');

/** The most points one sweep may plan. */
const MAX_SWEEP_POINTS = 100_000;

/** Crosses templates with seeds; the order (configs outer, seeds inner) fixes the point indices. */
export function expandPoints(exp: Experiment, size: Size, opts: PresetOptions = {}): PointConfig[] {
  const seeds = opts.seeds ?? exp.defaultSeeds[size];
  if (!Number.isInteger(seeds) || seeds < 1)
    throw new ValidationError(`seeds must be a positive integer, got ${seeds}`);
  if (opts.eta !== undefined) {
    if (!exp.etaOption)
      throw new ValidationError(`${exp.id}: option eta: this experiment keeps its own step size (drop the option)`);
    checkEtaChoice(opts.eta, `${exp.id}: option eta`);
  }
  const configs = exp.configs(size, opts);
  // Checked before any point is built: the plan lives in memory (and each point is a training run).
  if (configs.length * seeds > MAX_SWEEP_POINTS) {
    throw new ValidationError(
      `${exp.id} ${size}: ${configs.length} configurations x ${seeds} seeds = ${configs.length * seeds} points, ` +
        `more than the ${MAX_SWEEP_POINTS} a sweep may have; use fewer --seeds`,
    );
  }
  const out: PointConfig[] = [];
  const search = opts.grid ? undefined : exp.search;
  const start = search?.start?.(size);
  for (const t of configs) {
    const group = `${exp.id}/${paramKey(t.params)}`;
    const rest = search
      ? paramKey(Object.fromEntries(Object.entries(t.params).filter(([k]) => k !== search.param)))
      : '';
    for (let s = 0; s < seeds; s++) {
      out.push({
        experiment: exp.id,
        id: `${group}/seed=${s}`,
        group,
        params: t.params,
        seed: s,
        model: t.model,
        init: { seed: `${exp.id}/init/${s}`, ...(t.initW ? { w: t.initW } : {}) },
        data: t.data,
        dataSeed: `${exp.id}/data/${s}${t.dataStream !== undefined ? `/${t.dataStream}` : ''}`,
        train: { ...t.train, seed: `${exp.id}/batches/${s}` },
        ...(t.rhoOverNu !== undefined ? { rhoOverNu: t.rhoOverNu } : {}),
        ...(t.eta !== undefined ? { eta: t.eta } : {}),
        measure: t.measure,
        ...(search && search.param in t.params
          ? {
              search: {
                unit: `${exp.id}/${rest}/seed=${s}`,
                param: search.param,
                start: start !== undefined && t.params[search.param] === start,
              },
            }
          : {}),
      });
    }
  }
  return out;
}
