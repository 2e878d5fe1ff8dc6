// A Node consumer of every entry (scripts/check-package.sh compiles it with ./tsconfig.json, no DOM lib).
import {
  bounds,
  generateData,
  getBackend,
  initialize,
  loadModel,
  predict,
  saveModel,
  Trainer,
  type MetricRecord,
} from 'rnn-gd';
import { setMemoryCap } from 'rnn-gd/memory';
import { makeRng, readGenerated } from 'rnn-gd/data';
import { wasmFileSource } from 'rnn-gd/wasm-file';
import { empiricalNtk, type GramStats } from 'rnn-gd/theory';
import { runExperiment, EXPERIMENTS } from 'rnn-gd/experiments';
import { ParallelTrainer } from 'rnn-gd/parallel';

const backend = await getBackend('wasm');
const { train } = await generateData({ system: 'linear-filter', n: 32, T: 6, seed: 1 });
const params = initialize({ recurrence: 'diagonal', m: 16, d: train.d, alpha: 0.8 }, { seed: 1 });
{
  using trainer = new Trainer({ backend, params, data: train, train: { eta: 0.5, steps: 10 } });
  const last: MetricRecord | undefined = (await trainer.run()).records.at(-1);
  console.log(last?.risk);
}
export const used = [bounds, loadModel, predict, saveModel, setMemoryCap, makeRng, readGenerated, wasmFileSource];
export const more = [empiricalNtk, runExperiment, EXPERIMENTS, ParallelTrainer];
export type Stats = GramStats;
