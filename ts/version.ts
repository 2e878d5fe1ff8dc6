/** What produced a result: recorded with every saved model, metrics file and experiment point. */
import type { Backend } from './backend/types.js';
import { runtimeName } from './runtime.js';

export const PACKAGE_VERSION = '0.1.0';

export interface RunInfo {
  package: string;
  version: string;
  backend: string;
  runtime: string;
  date: string;
}

export function runInfo(backend: Backend): RunInfo {
  return {
    package: 'rnn-gd',
    version: PACKAGE_VERSION,
    backend: backend.description,
    runtime: runtimeName(),
    date: new Date().toISOString(),
  };
}
