/** Small helpers shared by the point runner and the sweep runner. */
import type { IndexedPoint, PointConfig } from './types.js';

/** The point config without its position in the sweep (what a result echoes). */
export function stripIndex(point: IndexedPoint): PointConfig {
  const { index: _index, ...config } = point;
  return config;
}

/** 'node 20.x' or the browser's user agent. */
export function runtimeName(): string {
  if (typeof process !== 'undefined' && process.versions?.node) return `node ${process.versions.node}`;
  const g = globalThis as { navigator?: { userAgent?: string } };
  return g.navigator?.userAgent ?? 'unknown';
}
