/**
 * `rnn-gd/memory`: what the wasm objects cost, the memory cap checked before every allocation
 * (docs/robustness.md), the capacity plan of a training run (planTraining: the rows, bytes and
 * fits/advice that the trainer, the CLI and the demo page use), and bounded evaluation of large data
 * sets in row blocks (sliceRows). Training and `predict` already use these; a caller needs them to
 * size a run up front or to raise the cap.
 */
export { CapacityError } from '../core/errors.js';
export {
  setMemoryCap,
  getMemoryCap,
  workspaceBytes,
  modelBytes,
  featuresBytes,
  teacherBytes,
  checkModel,
  checkWorkspace,
  liveWasmBytes,
  formatBytes,
  parseBytes,
  WASM_MEMORY_LIMIT,
  DEFAULT_MEMORY_CAP,
} from '../backend/capacity.js';
export { ChunkedData, rowsForBudget, DEFAULT_MEMORY_BUDGET } from '../train/chunked.js';
export { sliceRows } from '../core/dataset.js';
export { planTraining, checkTrainingCapacity, type CapacityPlan, type CapacityOptions } from '../train/capacity.js';
