/**
 * The remaining time of a sweep from the points' estimated costs, calibrated by what the finished
 * points really took. Scaling the average finished point instead overestimates badly when the
 * costliest points run first (as the scheduler arranges).
 */

/** Work that runs one piece after another on one lane: a plain point, or a search unit's probes. */
export interface EtaChain {
  /** Estimated cost (estimateCost units) of the part not started yet. */
  pending: number;
  /** The piece running now, if any. */
  running?: { estimate: number; elapsedMs: number };
}

export interface EtaInput {
  chains: readonly EtaChain[];
  /** Finished points of this run: estimated cost and measured wall time. */
  finished: readonly { estimate: number; wallMs: number }[];
  /** Points that run at once. */
  lanes: number;
}

/**
 * Milliseconds left, or null before any point has finished (nothing to calibrate with). The
 * calibration is the ratio of sums (measured / estimated) over the finished points; the estimate
 * is the remaining work spread over the lanes, but never less than the longest single chain.
 */
export function estimateRemainingMs(input: EtaInput): number | null {
  let est = 0,
    wall = 0;
  for (const f of input.finished) {
    if (f.estimate > 0 && f.wallMs > 0) {
      est += f.estimate;
      wall += f.wallMs;
    }
  }
  if (est <= 0) return null;
  const msPerCost = wall / est;
  let total = 0,
    longest = 0;
  for (const c of input.chains) {
    const runningLeft = c.running ? Math.max(0, c.running.estimate * msPerCost - c.running.elapsedMs) : 0;
    const chain = c.pending * msPerCost + runningLeft;
    total += chain;
    longest = Math.max(longest, chain);
  }
  return Math.max(total / Math.max(1, input.lanes), longest);
}
