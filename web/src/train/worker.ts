/**
 * The demo's training worker: data, model and trainer live here, so the page never blocks. Steps
 * run in chunks of about 30 ms; between chunks the worker answers messages (pause) and sends the
 * new metric records to the page.
 */
import * as Comlink from 'comlink';
import {
  generateData,
  getBackend,
  loadWasm,
  modelFileText,
  prepareRun,
  runInfo,
  wBar,
  type Backend,
  type Dataset,
  type MetricRecord,
  type Network,
  type Trainer,
  type TrainRunConfig,
  type Workspace,
} from 'rnn-gd';
import { sliceRows } from 'rnn-gd/memory';
import type { DemoWorkerApi, RunConfig, SetupInfo, Update } from './protocol';
import { planPageRun } from './capacity';

interface Run {
  config: RunConfig;
  trainer: Trainer;
  /** the first test sequences (the plan's shown rows), whose predictions the page plots */
  test: Dataset;
  /** a second network on them, for predictions */
  net: Network;
  ws: Workspace;
  sent: number;
}

let backend: Backend | null = null;
let run: Run | null = null;
let paused = false;
/** The running loop, if any: reset() waits for it before freeing. */
let loop: Promise<Update> | null = null;

const yieldToMessages = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function predictions(r: Run): Update['predictions'] {
  const params = r.trainer.network;
  for (const name of ['W', 'U'] as const) r.net.write(name, params.read(name, { view: true }));
  const { predictions: out } = r.ws.forward();
  const k = r.test.n;
  return { predicted: Array.from(out.subarray(0, k)), target: Array.from(r.test.Y.subarray(0, k)) };
}

function free(): void {
  if (!run) return;
  run.ws.free();
  run.net.free();
  run.trainer.free();
  run = null;
}

const api: DemoWorkerApi = {
  async setup(config: RunConfig): Promise<SetupInfo> {
    free();
    const t0 = performance.now();
    // The page's capacity plan once more, before any data exists (the form asked it too).
    const { plan } = planPageRun(config);
    if (plan.error) throw plan.error;
    backend ??= await getBackend('wasm');
    const readout = (config.model.readout as 'final' | 'all' | undefined) ?? 'final';
    const g = await generateData({ ...config.data, readout } as Parameters<typeof generateData>[0], config.seed, {
      backend,
    });
    if (!g.test) throw new Error('the page needs a test set: set Test sequences to at least 1');
    const test = g.test;
    const prepared = prepareRun(
      {
        model: { ...config.model, readout } as TrainRunConfig['model'],
        init: { ...config.init, seed: config.seed },
        train: { ...config.train, seed: config.seed } as TrainRunConfig['train'],
      },
      { data: g.train, test, backend },
    );
    const { params } = prepared;
    const trainer = prepared.trainer();
    // Predictions are shown for the plan's first test sequences: their workspace stays small.
    const shown = sliceRows(test, 0, plan.rows.shown);
    const net = backend.network(params);
    const ws = net.workspace(shown.n, shown.T);
    ws.setData(shown);
    run = { config, trainer, test: shown, net, ws, sent: 0 };
    paused = false;
    const wBar0 = wBar(params.spec, params.W0);
    const stored = (g.meta.teacher as { storedMap?: { nuW: number; nuU: number } }).storedMap;
    return {
      backend: backend.description,
      wasmSource: (await loadWasm()).source,
      d: g.train.d,
      wBar0,
      ...(stored ? { nuW: stored.nuW, nuU: stored.nuU } : {}),
      setupMs: performance.now() - t0,
    };
  },

  run(onUpdate): Promise<Update> {
    if (loop) throw new Error('demo worker: already running');
    loop = trainLoop(onUpdate).finally(() => {
      loop = null;
    });
    return loop;
  },

  pause() {
    paused = true;
  },
  modelJson() {
    if (!run || !backend) throw new Error('demo worker: no run');
    return modelFileText({ ...run.trainer.params(), meta: { ...run.trainer.state(), run: runInfo(backend) } });
  },
  async reset() {
    paused = true;
    await loop?.catch(() => {});
    free();
  },
};

async function trainLoop(onUpdate: (u: Update) => void | Promise<void>): Promise<Update> {
  const r = run;
  if (!r) throw new Error('demo worker: setup() first');
  paused = false;
  const t = r.trainer;
  let chunk = 1;
  let lastPred = 0;
  let stepsPerSecond = 0;
  const update = (force = false): Update => {
    const records: MetricRecord[] = t.records.slice(r.sent);
    r.sent = t.records.length;
    const now = performance.now();
    const status =
      t.status === 'running' ? (paused ? 'paused' : 'running') : t.status === 'aborted' ? 'paused' : t.status;
    const u: Update = { step: t.step, status, message: t.message, records, stepsPerSecond };
    if (force || now - lastPred > 250) {
      u.predictions = predictions(r);
      lastPred = now;
    }
    return u;
  };
  await onUpdate(update(true));
  while (t.status === 'running' && !paused) {
    const t0 = performance.now();
    const done = t.runSteps(chunk);
    const ms = performance.now() - t0;
    stepsPerSecond = ms > 0 ? (1000 * done) / ms : stepsPerSecond;
    // Aim at ~30 ms per chunk: responsive to pause, few messages.
    chunk = Math.max(1, Math.min(10_000, Math.round(chunk * Math.min(4, 30 / Math.max(ms, 0.5)))));
    await onUpdate(update());
    await yieldToMessages();
  }
  const last = update(true);
  await onUpdate(last);
  return last;
}

Comlink.expose(api);
