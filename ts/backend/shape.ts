/** Shape checks shared by the backends: a data set must fit the workspace and the model. */
import { targetsPerSequence, type Dataset, type ModelSpec } from '../types.js';
import { ValidationError } from '../validate.js';

export function checkDataShape(spec: ModelSpec, data: Dataset, nMax: number, T: number): void {
  if (data.d !== spec.d) throw new ValidationError(`data: d = ${data.d} but the model has d = ${spec.d}`);
  if (data.T !== T) throw new ValidationError(`data: T = ${data.T} but the workspace was made for T = ${T}`);
  if (!Number.isInteger(data.n) || data.n < 1 || data.n > nMax) {
    throw new ValidationError(`data: n = ${data.n} must be an integer in [1, ${nMax}] (the workspace size)`);
  }
  if (data.X.length !== data.n * data.T * data.d) {
    throw new ValidationError(`data: X has ${data.X.length} values, expected n*T*d = ${data.n * data.T * data.d}`);
  }
  const per = targetsPerSequence(spec.readout, T);
  if (data.Y.length !== data.n * per) {
    throw new ValidationError(
      `data: Y has ${data.Y.length} values, expected ${data.n * per} (readout '${spec.readout}')`,
    );
  }
}
