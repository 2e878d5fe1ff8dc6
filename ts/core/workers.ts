/**
 * How many worker threads to start: the one rule for sweeps (`--workers`, runSweep) and the
 * parallel trainer (universal: the caller gives the core count).
 */

/** Threads beyond this many per core are not started: they only compete (and each costs a start-up). */
const MAX_WORKERS_PER_CORE = 4;

/**
 * The request (default: the cores), at most the `jobs` there are to share (more would sit idle) and
 * at most MAX_WORKERS_PER_CORE x the cores; `warn` hears when the request is above the cores (the
 * threads then compete) or was cut. `parallelTrainer({ workers: 1000 })` on 2 cores starts 8, not 1000.
 */
export function workerCount(
  requested: number | undefined,
  jobs: number,
  cores: number,
  warn: (text: string) => void = () => {},
): number {
  const want = requested ?? cores;
  const limit = Math.max(1, MAX_WORKERS_PER_CORE * cores);
  if (requested !== undefined && requested > limit)
    warn(
      `workers ${requested} is more than ${MAX_WORKERS_PER_CORE} per core of the ${cores} cores of this machine; starting ${Math.min(limit, Math.max(1, jobs))}`,
    );
  else if (requested !== undefined && requested > cores)
    warn(`workers ${requested} is more than the ${cores} cores of this machine; the threads will compete for them`);
  return Math.max(1, Math.min(want, limit, jobs));
}
