/**
 * Variants of an experiment: the same sweep and analysis with another model and teacher, a grid
 * cut to what the variant can afford, and its own id, claim and setting. The dense (Elman)
 * versions of E1, E2 and E4 are built this way, so the claims, the search and the verdict logic
 * stay in one place.
 */
import type { DataConfigInput } from '../../data/generate.js';
import type { Analysis, Experiment, PointTemplate } from '../experiment.js';
import type { ExperimentId, PointResult, Size } from '../types.js';

export interface VariantOptions {
  id: ExperimentId;
  title: string;
  claim: string;
  setting(size: Size): string;
  defaultSeeds?: Record<Size, number>;
  /** Which of the base's configurations the variant keeps (default: all). */
  keep?: (t: PointTemplate, size: Size) => boolean;
  /** The variant's configuration from the base's (model, data, training, measurements). */
  template: (t: PointTemplate, size: Size) => PointTemplate;
  /** Added to the base analysis's notes. */
  notes?: string[];
}

export function variantOf(base: Experiment, o: VariantOptions): Experiment {
  return {
    id: o.id,
    title: o.title,
    claim: o.claim,
    setting: o.setting,
    defaultSeeds: o.defaultSeeds ?? base.defaultSeeds,
    configs: (size, opts) =>
      base
        .configs(size, opts)
        .filter((t) => o.keep?.(t, size) ?? true)
        .map((t) => o.template(t, size)),
    ...(base.search ? { search: base.search } : {}),
    ...(base.etaOption ? { etaOption: true } : {}),
    analyze(results: PointResult[], size: Size): Analysis {
      const a = base.analyze(results, size);
      return { ...a, notes: [...(a.notes ?? []), ...(o.notes ?? [])] };
    },
  };
}

/** The teacher of a dense variant: the dense linearized wide teacher (docs/spec/model.md section 9). */
export interface DenseTeacherChoice {
  /** Teacher width (default 128). */
  mTeacher?: number;
  /** Anchor sequences spanning the teacher's direction V (default 8). */
  anchors?: number;
}

/**
 * A base template turned dense: the model's recurrence becomes 'dense' (same activation, alpha,
 * width, readout); a transport-map teacher of the diagonal class becomes the dense linearized wide
 * teacher with the same n, nTest, T, d, alpha, activation and noise, normalized the same way
 * ('scale': RMS 1, so R(Theta(0)) = 1/2 again).
 */
export function denseTemplate(t: PointTemplate, teacher: DenseTeacherChoice = {}): PointTemplate {
  const d = t.data;
  if (d.system !== 'transport')
    throw new Error(`denseTemplate: expects a transport-map teacher, got system '${String(d.system)}'`);
  if (t.rhoOverNu !== undefined) throw new Error('denseTemplate: rhoOverNu needs a transport-map teacher');
  const data: DataConfigInput = {
    system: 'dense-teacher',
    n: d.n,
    nTest: d.nTest ?? 0,
    T: d.T,
    d: d.d,
    activation: d.activation ?? 'tanh',
    alpha: d.alpha,
    mTeacher: teacher.mTeacher ?? 128,
    anchors: teacher.anchors ?? 8,
    normalize: 'scale',
    ...(d.noise ? { noise: d.noise } : {}),
  };
  return { ...t, model: { ...t.model, recurrence: 'dense' }, data };
}
