/** What produced a result: recorded with every saved model, metrics file and experiment point. */
import type { Backend } from './backend/types.js';

export const PACKAGE_VERSION = '0.1.0';

export interface RunInfo {
  package: string;
  version: string;
  backend: string;
  runtime: string;
  date: string;
}

export function runInfo(backend: Backend): RunInfo {
  const runtime =
    typeof process !== 'undefined' && process.versions?.node
      ? `node ${process.versions.node}`
      : typeof navigator !== 'undefined'
        ? navigator.userAgent
        : 'unknown';
  return {
    package: 'rnn-gd',
    version: PACKAGE_VERSION,
    backend: backend.description,
    runtime,
    date: new Date().toISOString(),
  };
}
