/**
 * Points read back from a sweep directory are checked against the sweep's plan before anything
 * trusts them (resume, merge, report): each line's point must be a point of the plan the manifest
 * names (experiment, size, seeds; the fingerprint proves the plan is this version's), of the
 * directory's shard, with the plan's index, seed, params and config. A foreign point (another
 * sweep's file) or an edited one (m = 9999) is refused with an error naming the line.
 */
import { CheckpointError } from '../core/errors.js';
import { canonicalJson, formatShard, planSweep, selectShard, sweepFingerprint } from './plan.js';
import { getExperiment } from './registry.js';
import type { ParsedPoints, SweepManifest } from './sweep-format.js';
import type { IndexedPoint } from './types.js';

/** The point list a manifest describes, as this version plans it; refused when its fingerprint differs. */
function manifestPlan(manifest: SweepManifest, where: string): IndexedPoint[] {
  const exp = getExperiment(manifest.experiment);
  const plan = planSweep(exp, manifest.size, { seeds: manifest.seeds, grid: !manifest.search, eta: manifest.eta });
  const fingerprint = sweepFingerprint(plan);
  if (fingerprint !== manifest.fingerprint)
    throw new CheckpointError(
      `${where}: the sweep's fingerprint ${manifest.fingerprint} is not that of ${exp.id}'s plan (size ${manifest.size}, ` +
        `${manifest.seeds} seeds${manifest.search ? '' : ', grid'}: ${fingerprint}): the manifest was edited or written by another ` +
        `version of rnn-gd, so its points cannot be checked; rerun the sweep with this version`,
    );
  return plan;
}

/** A plan point as its result records it (JSON round trip; the testing-only fault is not part of it). */
const configOf = ({ index: _i, fault: _f, ...config }: IndexedPoint) =>
  canonicalJson(JSON.parse(JSON.stringify(config)));

/** Throws a CheckpointError naming the first line of `parsed` (read from `where`) that is not a point of the plan. */
export function checkPointsAgainstPlan(parsed: ParsedPoints, manifest: SweepManifest, where: string): void {
  if (parsed.results.length === 0) return;
  const plan = manifestPlan(manifest, where);
  const share = new Map(selectShard(plan, manifest.shard).map((p) => [p.id, p]));
  const all = new Set(plan.map((p) => p.id));
  for (const r of parsed.results) {
    const line = `${where}: line ${parsed.lineOf.get(r.id) ?? '?'}`;
    const p = share.get(r.id);
    if (!p)
      throw new CheckpointError(
        all.has(r.id)
          ? `${line}: point ${JSON.stringify(r.id)} belongs to another shard than this directory's (${formatShard(manifest.shard)}): remove the line`
          : `${line}: point ${JSON.stringify(r.id)} is not a point of this sweep (${manifest.experiment}, size ${manifest.size}, ${manifest.seeds} seeds): ` +
              `a point of another sweep; remove the line, or use the directory it came from`,
      );
    const wrong =
      r.experiment !== p.experiment
        ? `experiment ${JSON.stringify(r.experiment)}, the plan ${p.experiment}`
        : r.index !== p.index
          ? `index ${r.index}, the plan ${p.index}`
          : r.seed !== p.seed
            ? `seed ${JSON.stringify(r.seed)}, the plan ${p.seed}`
            : canonicalJson(r.params) !== canonicalJson(p.params)
              ? `params ${canonicalJson(r.params)}, the plan ${canonicalJson(p.params)}`
              : canonicalJson({ ...r.config, fault: undefined }) !== configOf(p)
                ? 'a config that is not the plan’s'
                : null;
    if (wrong)
      throw new CheckpointError(
        `${line}: point ${JSON.stringify(r.id)} has ${wrong}: the line was edited or comes from another sweep; ` +
          `remove it (a --resume runs the point again)`,
      );
  }
}
