/**
 * The URL hash holds the page's whole setting (the view, the training form, the experiment), so a
 * link reproduces a run or a sweep. Each view reads its keys and writes them back.
 */
export function readHash(): URLSearchParams {
  return new URLSearchParams(location.hash.slice(1));
}

/** Replaces the keys `owned` by a view with `values` (others are kept); no history entry. */
export function writeHash(owned: Iterable<string>, values: Record<string, string>): void {
  const p = readHash();
  for (const k of owned) p.delete(k);
  for (const [k, v] of Object.entries(values)) if (v !== '') p.set(k, v);
  history.replaceState(null, '', '#' + p.toString());
}
