/** Small helpers shared by the point runner and the sweep runner. */
import type { IndexedPoint, PointConfig } from './types.js';

/** The point config without its position in the sweep (what a result echoes). */
export function stripIndex(point: IndexedPoint): PointConfig {
  const { index: _index, ...config } = point;
  return config;
}
