/** Which JavaScript runtime this is: the one place that asks (Node, or a browser / worker). */

/** True in Node (main thread or worker_thread), false in browsers and their workers. */
export const isNode: boolean = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** 'node 20.x', or the browser's user agent: recorded with every result. */
export function runtimeName(): string {
  if (isNode) return `node ${process.versions.node}`;
  const g = globalThis as { navigator?: { userAgent?: string } };
  return g.navigator?.userAgent ?? 'unknown';
}
