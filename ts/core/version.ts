/** What produced a result: recorded with every saved model, metrics file and experiment point. */
import { runtimeName } from './runtime.js';

export const PACKAGE_VERSION = '0.1.0';

export interface RunInfo {
  package: string;
  version: string;
  backend: string;
  runtime: string;
  date: string;
}

/** `backend`: any Backend (only its description is recorded). */
export function runInfo(backend: { readonly description: string }): RunInfo {
  return {
    package: 'rnn-gd',
    version: PACKAGE_VERSION,
    backend: backend.description,
    runtime: runtimeName(),
    date: new Date().toISOString(),
  };
}
