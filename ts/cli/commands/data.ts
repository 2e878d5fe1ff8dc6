/**
 * `rnn-gd data generate --system NAME [options] --out DIR`: generates train and test sets
 * (ts/data/generate.ts) and writes them as JSON and .npy with meta.json (ts/data/files.ts).
 * `rnn-gd data show DIR`: shapes, statistics per split and small text plots of a few sequences.
 */
import { ValidationError, UsageError } from '../../core/errors.js';
import { Command } from 'commander';
import {
  generateData,
  parseDataConfig,
  SYSTEMS,
  systemOptionKeys,
  type DataConfig,
  type SystemName,
} from '../../data/generate.js';
import { readGenerated, writeGenerated } from '../../data/files.js';
import { datasetStats, describeDataset } from '../../data/summary.js';
import { readJsonFile } from '../../io/model-file.js';
import { interruptController, parseNumber } from '../options.js';
import { declareInputs } from '../../io/inputs.js';
import { printJson } from '../run.js';
import { dataFlags } from './data-flags.js';

/** The options of the systems' config fields, derived from their schemas (./data-flags.ts). */
const FLAGS = dataFlags();
const FLAG_OF: Record<string, string> = Object.fromEntries(FLAGS.map((f) => [f.key, f.flag]));
FLAG_OF['inputs'] = 'inputs';
FLAG_OF['inputs.kind'] = 'inputs';
FLAG_OF['inputs.r'] = 'input-corr';
FLAG_OF['inputs.scale'] = 'input-scale';
FLAG_OF['seed'] = 'seed';
FLAG_OF['system'] = 'system';

export interface DataGenerateFlags {
  system?: string;
  config?: string;
  seed?: string;
  inputs?: string;
  inputCorr?: string;
  inputScale?: string;
  [key: string]: unknown;
}

/** Rewrites "field 'k'" in validation messages into "option --k (field 'k')". */
function nameOptions(err: unknown): never {
  if (err instanceof ValidationError) {
    throw new UsageError(
      err.message.replace(/field '([^']+)'/g, (all, key: string) =>
        FLAG_OF[key] ? `option --${FLAG_OF[key]} (field '${key}')` : all,
      ),
    );
  }
  throw err;
}

const seedValue = (raw: string): string | number => (/^-?\d+$/.test(raw.trim()) ? Number(raw) : raw);

/** The data config from flags and an optional JSON config file (flags win); validated, errors name the option. */
export function dataConfigFromFlags(flags: DataGenerateFlags): DataConfig {
  const base = (flags.config ? readJsonFile(flags.config, 'data config') : {}) as Record<string, unknown>;
  if (base === null || typeof base !== 'object' || Array.isArray(base))
    throw new UsageError(`data config ${flags.config}: expected a JSON object`);
  const system = (flags.system ?? base.system) as string | undefined;
  if (system === undefined) throw new UsageError(`option --system is required; choose one of ${SYSTEMS.join(', ')}`);
  if (!(SYSTEMS as readonly string[]).includes(system)) {
    throw new UsageError(`option --system: unknown system '${system}'; choose one of ${SYSTEMS.join(', ')}`);
  }
  const allowed = new Set(systemOptionKeys(system as SystemName));
  const config: Record<string, unknown> = { ...base, system };
  for (const f of FLAGS) {
    const raw = flags[f.attribute];
    if (raw === undefined || raw === false) continue;
    if (!allowed.has(f.key)) {
      const own = FLAGS.filter((g) => allowed.has(g.key)).map((g) => `--${g.flag}`);
      throw new UsageError(
        `option --${f.flag} does not apply to --system ${system}; its options: ${own.join(', ')} (and --seed, --inputs, --input-corr, --input-scale)`,
      );
    }
    switch (f.kind) {
      case 'number':
        config[f.key] = parseNumber(f.flag, raw as string);
        break;
      case 'string':
        config[f.key] = raw;
        break;
      case 'bool':
        config[f.key] = true;
        break;
      case 'list':
        config[f.key] = String(raw)
          .split(',')
          .map((s, i) => {
            const v = Number(s);
            if (s.trim() === '' || !Number.isFinite(v))
              throw new UsageError(
                `option --${f.flag}: entry ${i} '${s}' is not a finite number (give comma-separated numbers)`,
              );
            return v;
          });
        break;
    }
  }
  if (flags.seed !== undefined) config.seed = seedValue(flags.seed);
  if (flags.inputs !== undefined || flags.inputCorr !== undefined || flags.inputScale !== undefined) {
    const prev = (base.inputs ?? {}) as Record<string, unknown>;
    const kind = flags.inputs ?? (prev.kind as string | undefined) ?? (system === 'narma10' ? 'uniform' : 'gaussian');
    if (!['gaussian', 'ar1', 'uniform'].includes(kind))
      throw new UsageError(`option --inputs: unknown input law '${kind}'; choose gaussian, ar1 or uniform`);
    const inputs: Record<string, unknown> = kind === (prev.kind ?? kind) ? { ...prev, kind } : { kind };
    if (flags.inputCorr !== undefined) {
      if (kind !== 'ar1')
        throw new UsageError(`option --input-corr applies to --inputs ar1 only (the inputs are '${kind}')`);
      inputs.r = parseNumber('input-corr', flags.inputCorr);
    }
    if (flags.inputScale !== undefined) {
      if (kind === 'uniform') throw new UsageError(`option --input-scale applies to --inputs gaussian or ar1 only`);
      inputs.scale = parseNumber('input-scale', flags.inputScale);
    }
    if (kind === 'ar1' && inputs.r === undefined)
      throw new UsageError('option --inputs ar1 needs --input-corr R (the correlation, |R| < 1)');
    config.inputs = inputs;
  }
  try {
    return parseDataConfig(config, flags.config ? `data config ${flags.config} + options` : 'data options');
  } catch (err) {
    nameOptions(err);
  }
}

export function registerData(program: Command): void {
  const data = program
    .command('data')
    .description('Generate and inspect data sets (dynamical systems and the transport-map function class)');

  const gen = data
    .command('generate')
    .description(
      `Generate train and test sets for a system (${SYSTEMS.join(' | ')}) and write JSON + .npy + meta.json into --out`,
    )
    .option('--system <name>', `the system: ${SYSTEMS.join(' | ')}`)
    .requiredOption('--out <dir>', 'output directory (train/, test/, meta.json)')
    .option('--config <file>', 'JSON data config (fields as in generateData; options given here win)')
    .option('--seed <seed>', 'seed of every random draw (default 0)')
    .option('--inputs <law>', 'input law: gaussian | ar1 | uniform (default gaussian; narma10: uniform)')
    .option('--input-corr <R>', 'ar1: correlation of consecutive inputs, |R| < 1')
    .option('--input-scale <S>', 'gaussian, ar1: x_t = P(S * xi_t) (default 1)');
  for (const f of FLAGS) gen.option(f.kind === 'bool' ? `--${f.flag}` : `--${f.flag} <${f.arg}>`, f.help);
  gen
    .option('--dtype <t>', 'dtype of the .npy files: float64 | float32 (default float64)', 'float64')
    .option('--quiet', 'no progress message on stderr', false)
    .action(async (opts: DataGenerateFlags & { out: string; dtype: string; quiet: boolean }) => {
      if (opts.dtype !== 'float64' && opts.dtype !== 'float32')
        throw new UsageError(`option --dtype: expected float64 or float32, got '${opts.dtype}'`);
      declareInputs([{ option: '--config', path: opts.config }]);
      const config = dataConfigFromFlags(opts);
      const started = Date.now();
      if (!opts.quiet)
        process.stderr.write(
          `rnn-gd data: generating '${config.system}' (n = ${config.n}, nTest = ${config.nTest}, T = ${config.T}, d = ${config.d}, seed ${config.seed}) ...\n`,
        );
      let generated;
      // Ctrl-C / SIGTERM stop the generation between pieces of work (exit 130 / 143; nothing is written).
      const interrupt = interruptController();
      try {
        generated = await generateData(config, undefined, { signal: interrupt.signal });
      } catch (err) {
        nameOptions(err);
      } finally {
        interrupt.dispose();
      }
      const files = writeGenerated(opts.out, generated, { dtype: opts.dtype === 'float32' ? '<f4' : '<f8' });
      if (!opts.quiet) process.stderr.write(`rnn-gd data: done in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
      const m = generated.meta;
      printJson({
        out: opts.out,
        system: m.system,
        seed: m.seed,
        readout: m.readout,
        n: m.n,
        T: m.T,
        d: m.d,
        normalization: m.normalization,
        ...(m.teacher.mcError ? { mcError: m.teacher.mcError } : {}),
        files,
      });
    });

  data
    .command('show')
    .description('Print shapes, statistics per split and small plots of a generated data directory (or any data path)')
    .argument('<dir>', 'a directory written by `data generate`, or a data file / .npy directory')
    .option('--sequences <k>', 'sequences to plot per split', '4')
    .option('--json', 'print the statistics as JSON instead', false)
    .action((dir: string, opts: { sequences: string; json: boolean }) => {
      const k = parseNumber('sequences', opts.sequences)!;
      if (!Number.isInteger(k) || k < 0)
        throw new UsageError(`option --sequences: expected a non-negative integer, got '${opts.sequences}'`);
      const loaded = readGenerated(dir);
      if (opts.json) {
        printJson({
          meta: loaded.meta,
          train: datasetStats(loaded.train),
          test: loaded.test ? datasetStats(loaded.test) : null,
        });
        return;
      }
      const lines: string[] = [];
      const meta = loaded.meta;
      if (meta && meta.format === 'rnn-gd.data-meta/1') {
        lines.push(
          `${dir}: system '${meta.system}', seed ${JSON.stringify(meta.seed)}, rnn-gd ${meta.generator?.version}`,
        );
        const norm = meta.normalization;
        lines.push(
          `  normalization ${norm.mode}: y' = (y - ${norm.offset}) / ${norm.scale}; label noise sigma ${meta.config.noise}`,
        );
        const mc = meta.teacher?.mcError as { rms: number; relative: number | null } | undefined;
        if (mc)
          lines.push(`  Monte-Carlo standard error of the targets: rms ${mc.rms.toExponential(3)} (normalized units)`);
      } else {
        lines.push(`${dir}: (no generator meta)`);
      }
      lines.push(...describeDataset('train', loaded.train, k));
      if (loaded.test) lines.push(...describeDataset('test', loaded.test, k));
      process.stdout.write(lines.join('\n') + '\n');
    });
}
