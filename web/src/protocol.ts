/** What the page and its training worker exchange (through comlink). */
import type { MetricRecord, SystemName } from 'rnn-gd';

export interface DemoConfig {
  system: SystemName;
  recurrence: 'dense' | 'diagonal';
  m: number;
  alpha: number;
  T: number;
  eta: number;
  /** max-norm projection radius; 0 = no projection */
  rho: number;
  steps: number;
  /** training sequences (the test set has the same size) */
  n: number;
  /** one seed for the data, the initialization and the training */
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
  /** test-set predictions and targets (first 200), when refreshed */
  predictions?: { predicted: number[]; target: number[] };
  stepsPerSecond: number;
}

export interface DemoWorkerApi {
  setup(config: DemoConfig): Promise<SetupInfo>;
  /** Trains until pause(), completion or divergence; calls onUpdate as it goes. */
  run(onUpdate: (u: Update) => void | Promise<void>): Promise<Update>;
  pause(): void;
  /** Stops a running loop (waits for it) and frees the run. */
  reset(): Promise<void>;
}
