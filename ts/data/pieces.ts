/**
 * Long generator work made interruptible: per-sequence computations (teacher targets, reference
 * outputs) are run on pieces of a few sequences at a time, with a yield to the event loop and a
 * check of the caller's AbortSignal between pieces, so Ctrl-C (or a Cancel button) stops a
 * generation that takes minutes within a fraction of a second. Each sequence's value depends on
 * that sequence only, so the pieces give the same bits as one call over all sequences (tested).
 */
import { throwIfInterrupted } from '../core/errors.js';
import type { Dataset } from '../core/types.js';
import { sliceRows } from '../core/dataset.js';

/** Operations one piece should take at most (about 0.1 s of work). */
const PIECE_WORK = 2 ** 24;

/** Lets pending events (signals, messages) run. */
const yieldToEvents = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * `compute` over pieces of `data`'s sequences, concatenated (it must return the same number of
 * values for each sequence). `workPerSequence` sizes the pieces; `signal` aborts between them with
 * an InterruptedError naming `what`.
 */
export async function bySequencePieces(
  data: Dataset,
  workPerSequence: number,
  compute: (part: Dataset) => Float64Array,
  signal: AbortSignal | undefined,
  what: string,
): Promise<Float64Array> {
  const rows = Math.max(1, Math.floor(PIECE_WORK / Math.max(1, workPerSequence)));
  if (rows >= data.n) {
    throwIfInterrupted(signal, what);
    return compute(data);
  }
  let out: Float64Array | null = null;
  let per = 0;
  for (let j0 = 0; j0 < data.n; j0 += rows) {
    throwIfInterrupted(signal, what);
    const j1 = Math.min(data.n, j0 + rows);
    const values = compute(sliceRows(data, j0, j1 - j0));
    if (!out) {
      per = values.length / (j1 - j0);
      out = new Float64Array(data.n * per);
    }
    out.set(values, j0 * per);
    await yieldToEvents();
  }
  return out!;
}
