/**
 * Every CLI command against malformed files and flags (spawned `node dist/cli/main.js ...`):
 * each ends in exit code != 0 with an `rnn-gd:` (or commander `error:`) message on stderr naming the
 * file or option, never a crash inside wasm, a stack trace, a hang, or a silent NaN; valid inputs
 * print JSON whose numbers are all finite.
 */
import { tempDir } from '../support/fs.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateData } from '../../ts/data/generate.js';
import { writeGenerated } from '../../ts/data/files.js';
import { initialize } from '../../ts/train/init.js';
import { writeData } from '../../ts/io/data-file.js';
import { saveModel } from '../../ts/io/model-file.js';
import { encodeNpy } from '../../ts/io/npy.js';
import { randomData } from '../helpers.js';
import { expectCliError, expectCliOk, pool, runCliAsync, runCliInProcess, type CliResult } from '../support/cli.js';

const dir = tempDir('cli');
const P = (name: string) => join(dir, name);
/** Spawned processes at a time (the machine may be small and shared). */
const CONCURRENCY = 3;

/** A bad input and what the message must name. */
interface Case {
  args: string[];
  names?: RegExp;
  okAllowed?: boolean;
}

/**
 * Runs the cases in process (commander + runCli + the commands, from the sources) and, for every
 * `spawnEvery`-th case, also through the built binary, which must behave the same.
 */
async function check(cases: Case[], spawnEvery = 12): Promise<void> {
  const results: CliResult[] = [];
  for (const c of cases) results.push(await runCliInProcess(c.args));
  const spawned = cases.filter((_, i) => i % spawnEvery === 0);
  const real = await pool(spawned, CONCURRENCY, (c) => runCliAsync(c.args));
  spawned.forEach((c, k) => {
    const i = cases.indexOf(c);
    expect(real[k].status, `${c.args.join(' ')}\n${real[k].stderr}`).toBe(results[i].status);
    expect(real[k].stderr.split('\n')[0]).toBe(results[i].stderr.split('\n')[0]);
  });
  results.forEach((r: CliResult, i) => {
    const c = cases[i];
    const label = `rnn-gd ${c.args.join(' ')}`;
    try {
      if (c.okAllowed && r.status === 0) expectCliOk(r);
      else expectCliError(r, c.names);
    } catch (err) {
      (err as Error).message = `${label}\n${(err as Error).message}`;
      throw err;
    }
  });
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const named = (path: string) => new RegExp(esc(path.split('/').pop()!));
/** printJson's refusal of a result that overflowed (ts/cli/run.ts). */
const NON_FINITE = /the result's field '[^']+' is (-?Infinity|NaN), not a finite number/;

// ---- fixtures --------------------------------------------------------------------------------

const modelText = () => readFileSync(P('model.json'), 'utf8');
const dataText = () => readFileSync(P('data.json'), 'utf8');

/** Mutations of the model file text: [name, text]. */
function badModels(): [string, string | Uint8Array][] {
  const text = modelText();
  const json = JSON.parse(text);
  const set = (patch: Record<string, unknown>) => JSON.stringify({ ...json, ...patch });
  const del = (key: string) => {
    const o = { ...json };
    delete o[key];
    return JSON.stringify(o);
  };
  return [
    ['empty', ''],
    ['garbage', 'this is not json'],
    ['binary', new Uint8Array([0, 1, 2, 255, 254, 0x93, 0x4e])],
    ['trunc-10', text.slice(0, 10)],
    ['trunc-half', text.slice(0, text.length >> 1)],
    ['trunc-end', text.slice(0, -3)],
    ['nan-literal', text.replace(/"W": \[[-0-9.e]+/, '"W": [NaN')],
    ['infinity-literal', text.replace(/"U": \[[-0-9.e]+/, '"U": [Infinity')],
    ['array-root', '[1, 2, 3]'],
    ['null-root', 'null'],
    ['no-format', del('format')],
    ['format-data', set({ format: 'rnn-gd.data/1' })],
    ['format-v2', set({ format: 'rnn-gd.model/2' })],
    ['no-W', del('W')],
    ['W-short', set({ W: json.W.slice(1) })],
    ['W-strings', set({ W: json.W.map(String) })],
    ['W-null-entry', set({ W: [null, ...json.W.slice(1)] })],
    ['U-nested', set({ U: [json.U] })],
    ['m-odd', set({ m: 3 })],
    ['m-huge', set({ m: 2 ** 32 + 4 })],
    ['m-string', set({ m: '4' })],
    ['d-zero', set({ d: 0 })],
    ['alpha-huge', set({ alpha: 1e300 })],
    ['alpha-string', set({ alpha: 'half' })],
    ['recurrence-lstm', set({ recurrence: 'lstm' })],
    ['activation-gelu', set({ activation: 'gelu' })],
    ['c-two', set({ c: json.c.map(() => 2) })],
    ['typo-field', set({ Wo: json.W })],
    ['meta-array', set({ meta: [1] })],
    ['W0-short', set({ W0: json.W0.slice(2) })],
    ['W-f32-overflow', set({ W: json.W.map((v: number, i: number) => (i === 0 ? 1e300 : v)) })],
  ];
}

function badData(): [string, string | Uint8Array][] {
  const text = dataText();
  const json = JSON.parse(text);
  const set = (patch: Record<string, unknown>) => JSON.stringify({ ...json, ...patch });
  return [
    ['empty', ''],
    ['trunc', text.slice(0, text.length - 7)],
    ['nan-literal', text.replace(/"X": \[[-0-9.e]+/, '"X": [NaN')],
    ['n-zero', set({ n: 0 })],
    ['n-huge', set({ n: 1e12 })],
    ['n-float', set({ n: 2.5 })],
    ['T-mismatch', set({ T: json.T + 1 })],
    ['d-mismatch', set({ d: 1, X: json.X.slice(0, json.n * json.T) })],
    ['X-short', set({ X: json.X.slice(1) })],
    ['Y-odd', set({ Y: [...json.Y, 1] })],
    ['X-string-entry', set({ X: ['1', ...json.X.slice(1)] })],
    ['X-f32-overflow', set({ X: json.X.map((v: number, i: number) => (i === 5 ? -1e300 : v)) })],
    ['format-model', set({ format: 'rnn-gd.model/1' })],
    ['unknown-field', set({ Z: [] })],
  ];
}

/** .npy data directories with one defect each. */
function badNpy(): [string, Record<string, Uint8Array | null>][] {
  const x = encodeNpy(
    new Float64Array(6 * 5 * 2).map((_, i) => Math.sin(i)),
    [6, 5, 2],
  );
  const y = encodeNpy(new Float64Array(6).fill(0.5), [6]);
  const header = (x: Uint8Array, from: string, to: string) => {
    const t = new TextDecoder('latin1').decode(x);
    return Uint8Array.from(t.replace(from, to.padEnd(from.length, ' ')), (c) => c.charCodeAt(0));
  };
  return [
    ['npy-X-truncated', { 'X.npy': x.subarray(0, x.length - 9), 'Y.npy': y }],
    ['npy-Y-missing', { 'X.npy': x, 'Y.npy': null }],
    ['npy-X-2d', { 'X.npy': encodeNpy(new Float64Array(12), [6, 2]), 'Y.npy': y }],
    ['npy-Y-shape', { 'X.npy': x, 'Y.npy': encodeNpy(new Float64Array(7), [7]) }],
    ['npy-fortran', { 'X.npy': header(x, "'fortran_order': False", "'fortran_order': True"), 'Y.npy': y }],
    ['npy-complex', { 'X.npy': header(x, "'<f8'", "'<c8'"), 'Y.npy': y }],
    ['npy-garbage', { 'X.npy': new Uint8Array(200).fill(7), 'Y.npy': y }],
    ['npy-NaN', { 'X.npy': encodeNpy(new Float64Array(60).fill(NaN), [6, 5, 2]), 'Y.npy': y }],
    ['npy-trailing', { 'X.npy': new Uint8Array([...x, 1, 2, 3]), 'Y.npy': y }],
  ];
}

describe('every CLI command against malformed input', () => {
  const models: string[] = [];
  const datas: string[] = [];

  beforeAll(async () => {
    saveModel(P('model.json'), initialize({ recurrence: 'diagonal', m: 6, d: 2, alpha: 0.7 }, { seed: 1 }));
    saveModel(P('dense.json'), initialize({ recurrence: 'dense', m: 6, d: 2, alpha: 0.7 }, { seed: 1 }));
    saveModel(P('all.json'), initialize({ recurrence: 'dense', m: 6, d: 2, alpha: 0.7, readout: 'all' }, { seed: 1 }));
    writeData(P('data.json'), randomData(6, 5, 2, 'final', 1));
    writeData(P('test.json'), randomData(4, 5, 2, 'final', 2));
    writeData(P('test-T.json'), randomData(4, 7, 2, 'final', 2));
    writeData(P('test-d.json'), randomData(4, 5, 3, 'final', 2));
    writeGenerated(P('gen'), await generateData({ system: 'delay', n: 8, nTest: 4, T: 5, d: 2 }));
    for (const [name, text] of badModels()) {
      const f = P(`bad-model-${name}.json`);
      writeFileSync(f, text);
      models.push(f);
    }
    for (const [name, text] of badData()) {
      const f = P(`bad-data-${name}.json`);
      writeFileSync(f, text);
      datas.push(f);
    }
    for (const [name, files] of badNpy()) {
      const d = P(name);
      mkdirSync(d, { recursive: true });
      for (const [f, bytes] of Object.entries(files)) if (bytes) writeFileSync(join(d, f), bytes);
      datas.push(d);
    }
    mkdirSync(P('a-directory'), { recursive: true });
    models.push(P('a-directory'), P('does-not-exist.json'), P('data.json'));
    datas.push(P('does-not-exist'), P('model.json'), P('a-directory'));
  });

  it('valid inputs: every command prints finite JSON (built binary)', async () => {
    const results = await pool(
      [
        ['eval', '--model', P('model.json'), '--data', P('data.json'), '--grad'],
        ['eval', '--model', P('dense.json'), '--data', P('gen/train'), '--backend', 'ts'],
        [
          'step',
          '--model',
          P('model.json'),
          '--data',
          P('data.json'),
          '--lr',
          '0.1',
          '--project',
          '1',
          '--out',
          P('stepped.json'),
        ],
        ['bounds', '--alpha', '0.5', '--T', '10', '--m', '64', '--n', '100', '--eps', '0.1', '--tau', '100'],
        ['ntk', '--model', P('dense.json'), '--data', P('data.json'), '--test', P('test.json')],
        ['constants', '--model', P('model.json'), '--data', P('data.json')],
        ['data', 'show', P('gen'), '--json'],
        [
          'train',
          '--data',
          P('data.json'),
          '--out',
          P('run-ok'),
          '--recurrence',
          'dense',
          '--m',
          '6',
          '--alpha',
          '0.5',
          '--eta',
          '0.2',
          '--steps',
          '7',
          '--quiet',
        ],
      ],
      CONCURRENCY,
      (a) => runCliAsync(a),
    );
    for (const r of results) expectCliOk(r);
  });

  it('malformed model files: eval, step, ntk, constants', async () => {
    const cases: Case[] = [];
    for (const m of models) {
      // a float32 overflow is fine on the float64 ts backend; everything else is an error naming the file
      const f32 = m.includes('f32-overflow');
      cases.push(
        {
          args: ['eval', '--model', m, '--data', P('data.json')],
          names: f32 ? /parameter 'W': entry 0 is 1e\+300.*float32.*ts backend/ : named(m),
        },
        {
          args: ['eval', '--model', m, '--data', P('data.json'), '--backend', 'ts', '--grad'],
          names: named(m),
          okAllowed: f32,
        },
        {
          args: ['step', '--model', m, '--data', P('data.json'), '--lr', '0.1', '--out', P('out.json')],
          names: f32 ? /float32/ : named(m),
        },
        { args: ['ntk', '--model', m, '--data', P('data.json')], names: f32 ? /float32/ : named(m) },
        // On float64 a 1e300 parameter runs, but a quantity overflows: refused naming it, never printed as null.
        {
          args: ['constants', '--model', m, '--data', P('data.json')],
          names: f32 ? NON_FINITE : named(m),
          okAllowed: f32,
        },
      );
    }
    await check(cases);
  }, 120_000);

  it('malformed data (JSON and .npy): eval, step, ntk, constants, train, data show', async () => {
    const cases: Case[] = [];
    for (const d of datas) {
      const f32 = d.includes('f32-overflow');
      const names = f32 ? /field 'X': entry 5 is -1e\+300.*float32/ : named(d);
      cases.push(
        { args: ['eval', '--model', P('model.json'), '--data', d], names },
        { args: ['eval', '--model', P('model.json'), '--data', d, '--backend', 'ts'], names: named(d), okAllowed: f32 },
        { args: ['step', '--model', P('model.json'), '--data', d, '--lr', '0.1', '--out', P('out.json')], names },
        { args: ['ntk', '--model', P('model.json'), '--data', d], names },
        {
          args: ['constants', '--model', P('model.json'), '--data', d],
          names: f32 ? NON_FINITE : named(d),
          okAllowed: f32,
        },
        // (train takes d from the data: a consistent data set with another d is valid for it)
        {
          args: [
            'train',
            '--data',
            d,
            '--out',
            P(`run-bad-${d.split('/').pop()}`), // one --out per case: train never replaces a run
            '--recurrence',
            'diagonal',
            '--m',
            '4',
            '--alpha',
            '0.5',
            '--eta',
            '0.1',
            '--steps',
            '3',
            '--quiet',
          ],
          names,
          okAllowed: d.includes('d-mismatch'),
        },
        { args: ['data', 'show', d], names: named(d), okAllowed: f32 || d.includes('d-mismatch') },
      );
    }
    await check(cases);
  }, 120_000);

  it('random byte damage to a model file (fast-check sample): eval errors name the file or runs finite', async () => {
    const text = modelText();
    const samples = fc.sample(fc.tuple(fc.nat(text.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(40)), {
      numRuns: 40,
      seed: 7,
    });
    const cases: Case[] = samples.map(([pos, byte, cut], i) => {
      const b = Buffer.from(text);
      b[pos] = byte;
      const f = P(`fuzz-model-${i}.json`);
      writeFileSync(f, i % 4 === 0 ? b.subarray(0, b.length - cut) : b);
      return { args: ['eval', '--model', f, '--data', P('data.json')], names: named(f), okAllowed: true };
    });
    await check(cases);
  }, 120_000);

  it('bad flags: eval, step, bounds, ntk, constants, data generate/show, train', async () => {
    const train = (...extra: string[]) => [
      'train',
      '--data',
      P('data.json'),
      '--out',
      P('run-flags'),
      '--recurrence',
      'dense',
      '--m',
      '6',
      '--alpha',
      '0.5',
      '--eta',
      '0.1',
      '--steps',
      '5',
      '--quiet',
      ...extra,
    ];
    const cases: Case[] = [
      // eval / step
      { args: ['eval', '--model', P('model.json'), '--data', P('data.json'), '--backend', 'gpu'], names: /--backend/ },
      { args: ['eval', '--model', P('all.json'), '--data', P('data.json')], names: /readout 'all'/ },
      { args: ['eval', '--data', P('data.json')], names: /--model/ },
      { args: ['eval', '--model', P('model.json'), '--data', P('data.json'), 'extra'], names: /too many arguments/ },
      ...['0', '-1', 'NaN', 'abc', '', '1e39', 'Infinity'].map((lr) => ({
        args: ['step', '--model', P('model.json'), '--data', P('data.json'), '--lr', lr, '--out', P('o.json')],
        names: /--lr/,
      })),
      ...['0', '-2', 'x', '1e39'].map((rho) => ({
        args: [
          'step',
          '--model',
          P('model.json'),
          '--data',
          P('data.json'),
          '--lr',
          '0.1',
          '--project',
          rho,
          '--out',
          P('o.json'),
        ],
        names: /--project|rho/,
      })),
      {
        args: ['step', '--model', P('model.json'), '--data', P('data.json'), '--lr', '0.1', '--out', dir],
        names: /cannot write/,
      },
      {
        args: [
          'step',
          '--model',
          P('model.json'),
          '--data',
          P('data.json'),
          '--lr',
          '0.1',
          '--out',
          '/proc/rnn-gd-no/x.json',
        ],
        names: /cannot create directory \/proc\/rnn-gd-no/,
      },
      {
        args: [
          'step',
          '--model',
          P('model.json'),
          '--data',
          P('data.json'),
          '--lr',
          '0.1',
          '--out',
          join(P('model.json'), 'x.json'),
        ],
        names: /cannot create directory .*model\.json: a file of that name exists/,
      },
      // bounds
      { args: ['bounds', '--alpha', 'x', '--T', '10', '--m', '4', '--n', '10'], names: /--alpha/ },
      { args: ['bounds', '--alpha', '1', '--T', '0', '--m', '4', '--n', '10'], names: /--T/ },
      { args: ['bounds', '--alpha', '1', '--T', '10', '--m', '-4', '--n', '10'], names: /--m/ },
      { args: ['bounds', '--alpha', '1', '--T', '10', '--m', '4', '--n', '1.5'], names: /--n/ },
      { args: ['bounds', '--alpha', '1', '--T', '10', '--m', '4', '--n', '10', '--delta', '1'], names: /--delta/ },
      {
        args: ['bounds', '--alpha', '1', '--T', '10', '--m', '4', '--n', '10', '--activation', 'relu'],
        names: /--activation/,
      },
      {
        args: ['bounds', '--alpha', '3', '--T', '100000', '--m', '4', '--n', '10'],
        names: /S_T is Infinity.*smaller T or alpha/,
      },
      { args: ['bounds', '--T', '10', '--m', '4', '--n', '10'], names: /--alpha/ },
      // ntk / constants
      { args: ['ntk', '--model', P('all.json'), '--data', P('data.json')], names: /readout/ },
      {
        args: [
          'ntk',
          '--model',
          P('model.json'),
          '--data',
          P('data.json'),
          '--kernel',
          'rbf',
          '--test',
          P('test.json'),
        ],
        names: /--kernel/,
      },
      {
        args: ['ntk', '--model', P('dense.json'), '--data', P('data.json'), '--kernel', 'mc', '--test', P('test.json')],
        names: /--kernel mc/,
      },
      {
        args: ['ntk', '--model', P('model.json'), '--data', P('data.json'), '--ridge', '-1', '--test', P('test.json')],
        names: /--ridge/,
      },
      {
        args: [
          'ntk',
          '--model',
          P('model.json'),
          '--data',
          P('data.json'),
          '--kernel',
          'mc',
          '--particles',
          '0',
          '--test',
          P('test.json'),
        ],
        names: /--particles/,
      },
      {
        args: ['ntk', '--model', P('model.json'), '--data', P('data.json'), '--test', P('test-T.json')],
        names: /test data .* T = 7/,
      },
      {
        args: ['ntk', '--model', P('model.json'), '--data', P('data.json'), '--out', '/proc/rnn-gd-no.npy'],
        names: /cannot write \/proc\/rnn-gd-no\.npy/,
      },
      { args: ['ntk', '--model', P('model.json'), '--data', P('data.json'), '--backend', 'cuda'], names: /--backend/ },
      ...[
        ['--delta', '2'],
        ['--hessian-samples', '-1'],
        ['--hessian-iterations', '0'],
        ['--eta', '0'],
        ['--rho', '-1'],
        ['--tau', 'x'],
      ].map(([k, v]) => ({
        args: ['constants', '--model', P('model.json'), '--data', P('data.json'), k, v],
        names: new RegExp(k),
      })),
      // data generate / show
      { args: ['data', 'generate', '--out', P('g-x')], names: /--system/ },
      { args: ['data', 'generate', '--system', 'lorenz', '--out', P('g-x')], names: /--system/ },
      { args: ['data', 'generate', '--system', 'delay', '--n', '-1', '--out', P('g-x'), '--quiet'], names: /--n/ },
      { args: ['data', 'generate', '--system', 'delay', '--T', '0', '--out', P('g-x'), '--quiet'], names: /--T/ },
      {
        args: ['data', 'generate', '--system', 'delay', '--n', '1e9', '--out', P('g-x'), '--quiet'],
        names: /--n .*2\^27/,
      },
      {
        args: ['data', 'generate', '--system', 'transport', '--M', '1e12', '--out', P('g-x'), '--quiet'],
        names: /--M/,
      },
      {
        args: ['data', 'generate', '--system', 'teacher-rnn', '--m-teacher', '65536', '--out', P('g-x'), '--quiet'],
        names: /--m-teacher/,
      },
      {
        args: ['data', 'generate', '--system', 'delay', '--noise', '-1', '--out', P('g-x'), '--quiet'],
        names: /--noise/,
      },
      {
        args: ['data', 'generate', '--system', 'delay', '--normalize', 'zscore', '--out', P('g-x'), '--quiet'],
        names: /--normalize/,
      },
      {
        args: ['data', 'generate', '--system', 'delay', '--inputs', 'ar1', '--out', P('g-x'), '--quiet'],
        names: /--input-corr/,
      },
      {
        args: ['data', 'generate', '--system', 'linear-filter', '--beta', 'a,b', '--out', P('g-x'), '--quiet'],
        names: /--beta/,
      },
      {
        args: ['data', 'generate', '--system', 'delay', '--kappa', '1', '--out', P('g-x'), '--quiet'],
        names: /--kappa does not apply/,
      },
      {
        args: ['data', 'generate', '--system', 'delay', '--dtype', 'float16', '--out', P('g-x'), '--quiet'],
        names: /--dtype/,
      },
      { args: ['data', 'generate', '--system', 'delay', '--out', P('model.json'), '--quiet'], names: /model\.json/ },
      {
        args: ['data', 'generate', '--config', P('bad-model-garbage.json'), '--out', P('g-x'), '--quiet'],
        names: /bad-model-garbage\.json/,
      },
      { args: ['data', 'show', P('gen'), '--sequences', '-1'], names: /--sequences/ },
      // train
      ...[
        ['--m', '7', /model\.m/],
        ['--m', '1e9', /model\.m/],
        ['--alpha', 'abc', /--alpha/],
        ['--eta', '0', /train\.eta/],
        ['--eta', '1e39', /train\.eta/],
        ['--steps', '0', /train\.steps/],
        ['--steps', '2.5', /train\.steps/],
        ['--steps', '1e300', /train\.steps/],
        ['--batch', '-1', /train\.batchSize/],
        ['--batch', '1000', /batchSize/],
        ['--record-every', '0', /train\.recordEvery/],
        ['--checkpoint-every', '0', /--checkpoint-every/],
        ['--checkpoint-every', 'x', /--checkpoint-every/],
        ['--project', '-1', /train\.projection/],
        ['--activation', 'swish', /model\.activation/],
        ['--backend', 'gpu', /backend/],
        ['--readout', 'all', /readout/],
        ['--test', P('test-d.json'), /test data .*test-d\.json: d = 3/],
        ['--foo', '1', /unknown option '--foo'/],
        ['--n', '5', /--n, --T/],
        ['--system', 'delay', /--data and --system/],
      ].map(([k, v, names]) => ({ args: train(k as string, v as string), names: names as RegExp })),
      { args: [...train(), '--project', '1', '--l2', '1'], names: /--project and --l2/ },
      {
        args: ['train', '--config', P('bad-model-array-root.json'), '--out', P('run-flags')],
        names: /expected a JSON object/,
      },
      { args: ['train', '--config', P('bad-model-garbage.json'), '--out', P('run-flags')], names: /invalid JSON/ },
      { args: ['train', '--out', P('nowhere'), '--resume'], names: /no run to resume/ },
      {
        args: [
          'train',
          '--system',
          'delay',
          '--n',
          '1e9',
          '--out',
          P('run-flags'),
          '--recurrence',
          'dense',
          '--m',
          '4',
          '--alpha',
          '1',
          '--eta',
          '1',
          '--steps',
          '1',
        ],
        names: /2\^27/,
      },
      { args: ['nonsense'], names: /unknown command/ },
    ];
    await check(cases);
  }, 120_000);

  it('random flag sets (fast-check): train, bounds, step, data generate end in finite JSON or a clear error', async () => {
    const value = fc.oneof(
      fc.constantFrom(
        '0',
        '-1',
        '1',
        '2',
        '4',
        '6',
        '0.5',
        '1e300',
        '1e-300',
        'NaN',
        'Infinity',
        '-0',
        'abc',
        '',
        '3.5',
        '4294967298',
        '2e38',
        '1e39',
      ),
      fc.integer({ min: -5, max: 40 }).map(String),
    );
    const flagsOf = (names: string[]) =>
      fc
        .uniqueArray(fc.tuple(fc.constantFrom(...names), value), { maxLength: 5, selector: ([k]) => k })
        .map((pairs) => pairs.flatMap(([k, v]) => [`--${k}`, v]));
    const trainBase = [
      'train',
      '--data',
      P('data.json'),
      '--recurrence',
      'diagonal',
      '--m',
      '4',
      '--alpha',
      '0.5',
      '--eta',
      '0.1',
      '--steps',
      '3',
      '--quiet',
    ];
    const commands = fc.oneof(
      flagsOf([
        'm',
        'alpha',
        'eta',
        'steps',
        'batch',
        'record-every',
        'checkpoint-every',
        'project',
        'l2',
        'seed',
        'activation',
      ]).map((f) => [...trainBase, ...f, '--out', P('run-fc')]),
      flagsOf(['alpha', 'T', 'm', 'n', 'd', 'delta', 'rho', 'nu-w', 'nu-u', 'eta', 'tau', 'eps', 'w-bar0']).map((f) => [
        'bounds',
        '--alpha',
        '0.5',
        '--T',
        '5',
        '--m',
        '8',
        '--n',
        '10',
        ...f,
      ]),
      flagsOf(['lr', 'project', 'backend']).map((f) => [
        'step',
        '--model',
        P('model.json'),
        '--data',
        P('data.json'),
        '--lr',
        '0.1',
        ...f,
        '--out',
        P('fc-step.json'),
      ]),
      flagsOf(['n', 'n-test', 'T', 'd', 'noise', 'k', 'seed', 'input-scale']).map((f) => [
        'data',
        'generate',
        '--system',
        'delay',
        '--n',
        '4',
        '--n-test',
        '2',
        '--T',
        '5',
        ...f,
        '--out',
        P('fc-gen'),
        '--quiet',
      ]),
    );
    await fc.assert(
      fc.asyncProperty(commands, async (args) => {
        const r = await runCliInProcess(args);
        try {
          if (r.status === 0) expectCliOk(r);
          else expectCliError(r, /--[a-z]|field '|option|must|expected|bounds: \w+ is/);
        } catch (err) {
          (err as Error).message = `rnn-gd ${args.join(' ')}\n${(err as Error).message}`;
          throw err;
        }
      }),
      { numRuns: 250, seed: 13 },
    );
  }, 120_000);

  it('a workspace over the memory cap: refused with the bytes and a suggestion (RNN_GD_MEMORY_CAP)', async () => {
    const r = await runCliAsync(
      ['step', '--model', P('model.json'), '--data', P('data.json'), '--lr', '0.1', '--out', P('o2.json')],
      { env: { RNN_GD_MEMORY_CAP: '1KiB' } },
    );
    expect(r.status).toBe(2);
    expectCliError(
      r,
      /workspace for n = 6 sequences .* needs [0-9.]+ (KiB|MiB) of (native|wasm) memory, more than the memory cap of 1\.0 KiB/,
    );
    const bad = await runCliAsync(['eval', '--model', P('model.json'), '--data', P('data.json')], {
      env: { RNN_GD_MEMORY_CAP: 'lots' },
    });
    expectCliError(bad, /RNN_GD_MEMORY_CAP: cannot read 'lots'/);
  });
});
