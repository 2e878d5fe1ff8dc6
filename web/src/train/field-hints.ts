/**
 * One-line hints under the training form's fields, and which data fields are folded away as the
 * teacher's details (the schemas' own comments, ts/data/*.ts, in a reader's words).
 */

/** The data fields shown unfolded; every other data field is a detail of the teacher or the inputs. */
export const BASIC_DATA_FIELDS = new Set(['system', 'n', 'nTest', 'T', 'd']);

export const HINTS: Record<string, string> = {
  'inputs.kind': 'law of the inputs x_t: i.i.d. Gaussian, or AR(1) in time',
  'inputs.scale': 'standard deviation of each input coordinate',
  'inputs.r': 'AR(1) correlation between x_t and x_{t−1}',
  noise: 'label noise σ, in units of the normalized targets',
  normalize: 'standard: (y − mean)/std; scale: y/rms; none',
  'data.alpha': 'the teacher class’s recurrent scale α',
  'data.activation': 'the teacher’s activation σ',
  'data.recurrence': 'the teacher RNN’s recurrence',
  M: 'Monte-Carlo particles of the teacher (more: closer to the infinite-width map)',
  map: 'which transport map: linear, input, memory channel, or a mix',
  wInit: 'law of the recurrent weights w under the teacher’s P₀',
  nuW: 'bound ν_w of the transport map’s w part (enters the theory’s bound)',
  nuU: 'bound ν_u of the transport map’s u part (enters the theory’s bound)',
  kappa: 'κ > 0: sharpness of the map’s nonlinearity',
  beta: 'β: direction of v_u (d numbers, normalized); blank: a seeded random direction',
  gamma: 'γ: direction inside the nonlinearity (d numbers); blank: seeded random',
  memoryFn: 'ψ of the memory channel: tanh (odd in u) or cos (even)',
  antithetic: 'draw particles in pairs (w, u), (w, −u): less Monte-Carlo noise',
  seParticles: 'particles for the teacher’s Monte-Carlo standard error (0: skip)',
  backend: 'where the teacher’s particles are evaluated (wasm is fast)',
  mTeacher: 'the teacher network’s width (even)',
  nu: 'norm ‖V‖ of the dense teacher’s direction from its initialization',
  anchors: 'number of anchor sequences that span the direction V',
  r: 'decay r of the filter, |r| ≤ 1 (memory ~ 1/(1 − r))',
  k: 'the delay k to recall (0 ≤ k < T)',
  coordinate: 'which input coordinate drives the target',
};
