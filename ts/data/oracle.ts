/**
 * Theory quantities of the transport-map class (docs/spec/model.md section 9) for a given student.
 *
 * Oracle parameters for a student Theta(0): theta_bar_i = theta_i(0) + c_i v(theta_i(0)) / sqrt(m),
 * in Omega(nu, m) with nu = sqrt(nu_w^2 + nu_u^2). The approximation floor is the risk of the
 * linearized network at theta_bar,
 *   f_lin(X) = f(X; Theta(0)) + (1/sqrt(m)) sum_i c_i <theta_bar_i - theta_i(0), phi_T(X; theta_i(0))>,
 * computed with teacherSum over the student's m initial neurons as particles.
 */
import { ValidationError } from '../core/errors.js';
import { tsBackend } from '../backend/ts-backend.js';
import type { Backend, Particles, TangentSpec } from '../backend/types.js';
import { checkDataset, checkFits } from '../core/dataset.js';
import { mapValues, perReadout, type Normalization, type TransportMap } from './transport.js';
import { readoutOf, targetsPerSequence, type Dataset, type ModelParams, type Readout } from '../core/types.js';

function checkDiagonalStudent(student: ModelParams, where: string): void {
  if (student.spec.recurrence !== 'diagonal') {
    throw new ValidationError(
      `${where}: the transport-map class is defined for the diagonal recurrence; the student is '${student.spec.recurrence}'`,
    );
  }
}

/** theta_bar_i = theta_i(0) + c_i v(theta_i(0)) / sqrt(m): a copy of `student` with W, U set to theta_bar. */
export function oracleParams(student: ModelParams, map: TransportMap): ModelParams {
  checkDiagonalStudent(student, 'oracleParams');
  const { m, d } = student.spec;
  const v = mapValues(map, student.U0, m, d);
  const W = student.W0.slice();
  const U = student.U0.slice();
  const s = 1 / Math.sqrt(m);
  for (let i = 0; i < m; i++) {
    const ci = student.c[i] * s;
    W[i] += ci * v[i * (1 + d)];
    for (let q = 0; q < d; q++) U[i * d + q] += ci * v[i * (1 + d) + 1 + q];
  }
  return { spec: student.spec, W, U, c: student.c.slice(), W0: student.W0.slice(), U0: student.U0.slice() };
}

/** f(X; Theta(0)) in float64 (the ts reference forward; exactly 0 for a symmetric init). */
function initOutputs(params: ModelParams, data: Dataset, readout: Readout): Float64Array {
  const spec = { ...params.spec, readout };
  const net = tsBackend({ dtype: 'float64' }).network({ ...params, spec, W: params.W0, U: params.U0 });
  const ws = net.workspace(data.n, data.T);
  ws.setData({ ...data, Y: new Float64Array(data.n * targetsPerSequence(readout, data.T)) });
  return ws.forward().predictions;
}

/**
 * Outputs of the linearized network at `params` around its init (W0, U0):
 * f_lin(X) = f(X; Theta(0)) + (1/sqrt(m)) sum_i c_i <theta_i - theta_i(0), phi_T(X; theta_i(0))>.
 */
export function linearizedPredictions(
  params: ModelParams,
  data: Dataset,
  backend: Backend,
  readout: Readout = params.spec.readout,
): Float64Array {
  checkDiagonalStudent(params, 'linearizedPredictions');
  const { m, d, activation, alpha } = params.spec;
  checkFits({ d }, data, { data: 'linearizedPredictions: data' });
  const p = 1 + d;
  const v = new Float64Array(m * p);
  const s = Math.sqrt(m); // teacherSum divides by M = m: sqrt(m) c_i / m = c_i / sqrt(m)
  for (let i = 0; i < m; i++) {
    v[i * p] = s * params.c[i] * (params.W[i] - params.W0[i]);
    for (let q = 0; q < d; q++) v[i * p + 1 + q] = s * params.c[i] * (params.U[i * d + q] - params.U0[i * d + q]);
  }
  const spec: TangentSpec = { activation, alpha, d };
  const particles: Particles = { w: params.W0, u: params.U0 };
  const lin = perReadout(data, readout, (ds) => backend.kernels.teacherSum(spec, particles, v, ds));
  const f0 = initOutputs(params, data, readout);
  for (let k = 0; k < lin.length; k++) lin[k] += f0[k];
  return lin;
}

/**
 * The approximation floor: the risk R (docs/spec/model.md section 5) of the linearized network at the oracle
 * parameters theta_bar for `map`, on `data`. Give the data's normalization (meta.normalization of
 * generated data) so that the predictions are normalized like the targets were.
 */
export function approximationFloor(
  student: ModelParams,
  map: TransportMap,
  data: Dataset,
  opts: { backend: Backend; normalization?: Normalization },
): { risk: number; predictions: Float64Array; params: ModelParams } {
  checkDiagonalStudent(student, 'approximationFloor');
  const readout = readoutOf(data);
  checkDataset(data, 'approximationFloor: data');
  const params = oracleParams(student, map);
  const predictions = linearizedPredictions(params, data, opts.backend, readout);
  const { offset, scale } = opts.normalization ?? { offset: 0, scale: 1 };
  let sum = 0;
  for (let k = 0; k < predictions.length; k++) {
    predictions[k] = (predictions[k] - offset) / scale;
    const r = predictions[k] - data.Y[k];
    sum += r * r;
  }
  return { risk: sum / (2 * predictions.length), predictions, params };
}
