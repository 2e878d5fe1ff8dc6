/** What the page and its training worker exchange (through comlink). */
import type { MetricRecord } from 'rnn-gd';

/**
 * One run's whole setting, as the form builds it from the package's schemas: the data config
 * (generateData), the model spec (initialize; d comes from the data), the init options and the
 * train options. One seed drives the data, the initialization and the batch order.
 */
export interface RunConfig {
  data: Record<string, unknown> & { system: string };
  model: Record<string, unknown>;
  init: Record<string, unknown>;
  train: Record<string, unknown> & { steps: number };
  seed: number;
}

export interface SetupInfo {
  backend: string;
  wasmSource: string;
  d: number;
  /** max_i |w_i(0)| (diagonal) or ||W(0)/sqrt(m)||_2 (dense), for the bound calculator */
  wBar0: number;
  /** transport teacher: the stored map's nu_w, nu_u */
  nuW?: number;
  nuU?: number;
  setupMs: number;
}

export interface Update {
  step: number;
  status: 'running' | 'paused' | 'completed' | 'diverged';
  message?: string;
  /** records not sent before */
  records: MetricRecord[];
  /** test-set predictions and targets (the first SHOWN_TEST_ROWS, train/capacity.ts), when refreshed */
  predictions?: { predicted: number[]; target: number[] };
  stepsPerSecond: number;
}

export interface DemoWorkerApi {
  setup(config: RunConfig): Promise<SetupInfo>;
  /** Trains until pause(), completion or divergence; calls onUpdate as it goes. */
  run(onUpdate: (u: Update) => void | Promise<void>): Promise<Update>;
  pause(): void;
  /** The current parameters as the CLI's model.json (with W0/U0 and the trainer's state in meta). */
  modelJson(): string;
  /** Stops a running loop (waits for it) and frees the run. */
  reset(): Promise<void>;
}
