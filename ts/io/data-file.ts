/**
 * Data sets on disk (docs/formats.md; Node only): the JSON file `rnn-gd.data/1` and NumPy `.npy` pairs.
 *
 *   JSON:  { "format": "rnn-gd.data/1", "n", "T", "d", "X": [n*T*d], "Y": [n or n*T] }  (+ optional "meta")
 *   NumPy: X.npy shaped (n, T, d) and Y.npy shaped (n,) (readout final) or (n, T) (readout all),
 *          float32 or float64, C order. A data set is a directory holding X.npy and Y.npy, or the
 *          path of `<prefix>X.npy` with `<prefix>Y.npy` beside it.
 *
 * The JSON codec (parseDataFile, dataToJson) is universal and lives in ./data-json.ts;
 * it is re-exported here.
 */
import { ValidationError } from '../core/errors.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readoutOf, type Dataset, type FloatArray } from '../core/types.js';
import { checkDataset } from '../core/dataset.js';
import { dataToJson, parseDataFile } from './data-json.js';
import { readJsonFile, stringifyTopLevel } from './model-file.js';
import { readNpy, writeFileAtomic, writeNpy, type NpyDtype } from './npy.js';

export * from './data-json.js';

/** Reads X.npy / Y.npy and checks their shapes against each other. */
export function readNpyPair(xPath: string, yPath: string): Dataset {
  const where = `data ${xPath}`;
  if (!existsSync(yPath))
    throw new ValidationError(`${where}: targets file ${yPath} is missing (Y.npy must sit beside X.npy)`);
  const x = readNpy(xPath);
  const y = readNpy(yPath);
  if (x.shape.length !== 3) {
    throw new ValidationError(`${xPath}: X must have shape (n, T, d), got (${x.shape.join(', ')})`);
  }
  const [n, T, d] = x.shape;
  if (n < 1 || T < 1 || d < 1)
    throw new ValidationError(`${xPath}: X shape (${x.shape.join(', ')}) has an empty dimension`);
  const yOk =
    (y.shape.length === 1 && y.shape[0] === n) || (y.shape.length === 2 && y.shape[0] === n && y.shape[1] === T);
  if (!yOk) {
    throw new ValidationError(
      `${yPath}: Y must have shape (${n},) (readout final) or (${n}, ${T}) (readout all) to match X (${n}, ${T}, ${d}), ` +
        `got (${y.shape.join(', ')}${y.shape.length === 1 ? ',' : ''})`,
    );
  }
  const ds: Dataset = { n, T, d, X: x.data, Y: y.data };
  checkDataset(ds, where);
  return ds;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
const yBeside = (xPath: string): string => join(dirname(xPath), basename(xPath).replace(/X\.npy$/, 'Y.npy'));

/**
 * Reads a data set from
 * - a `.json` file (rnn-gd.data/1);
 * - a directory holding `data.json`, or `X.npy` and `Y.npy`;
 * - the path of `<prefix>X.npy`, with `<prefix>Y.npy` beside it.
 */
export function readData(pathOrDir: string): Dataset {
  if (!existsSync(pathOrDir)) throw new ValidationError(`data ${pathOrDir}: no such file or directory`);
  if (isDir(pathOrDir)) {
    const json = join(pathOrDir, 'data.json');
    if (existsSync(json)) return parseDataFile(readJsonFile(json, 'data file'), `data file ${json}`);
    const x = join(pathOrDir, 'X.npy');
    if (existsSync(x)) return readNpyPair(x, join(pathOrDir, 'Y.npy'));
    // `rnn-gd data generate --out DIR` writes DIR/train and DIR/test: name those instead of a bare refusal.
    const sets = readdirSync(pathOrDir)
      .map((name) => join(pathOrDir, name))
      .filter((p) => isDir(p) && (existsSync(join(p, 'data.json')) || existsSync(join(p, 'X.npy'))))
      .sort((a, b) => Number(basename(b) === 'train') - Number(basename(a) === 'train') || a.localeCompare(b));
    throw new ValidationError(
      `data ${pathOrDir}: directory holds neither data.json nor X.npy + Y.npy` +
        (sets.length ? `; it holds the data sets ${sets.join(', ')}: give one of them (e.g. --data ${sets[0]})` : ''),
    );
  }
  if (pathOrDir.endsWith('.npy')) {
    if (!/X\.npy$/.test(basename(pathOrDir))) {
      throw new ValidationError(
        `data ${pathOrDir}: give the inputs file (<prefix>X.npy, with <prefix>Y.npy beside it) or their directory`,
      );
    }
    return readNpyPair(pathOrDir, yBeside(pathOrDir));
  }
  return parseDataFile(readJsonFile(pathOrDir, 'data file'), `data file ${pathOrDir}`);
}

export interface WriteDataOptions {
  /**
   * 'json': one rnn-gd.data/1 file at `path`; 'npy': X.npy + Y.npy in the directory `path` (or at
   * `path` = `<prefix>X.npy` and `<prefix>Y.npy`); 'both': data.json + X.npy + Y.npy in the directory `path`.
   * Default: 'json' when `path` ends in .json, else 'npy'.
   */
  format?: 'json' | 'npy' | 'both';
  /** dtype of the .npy files; default: float32 for Float32Array data, float64 otherwise. */
  dtype?: NpyDtype;
}

/** Writes a data set (every file atomically). Returns the paths written. */
export function writeData(path: string, ds: Dataset, opts: WriteDataOptions = {}): string[] {
  const format = opts.format ?? (path.endsWith('.json') ? 'json' : 'npy');
  checkDataset(ds, 'data to write');
  if (format === 'json') {
    writeFileAtomic(path, stringifyTopLevel(dataToJson(ds) as unknown as Record<string, unknown>));
    return [path];
  }
  if (path.endsWith('.json'))
    throw new ValidationError(`data ${path}: format '${format}' writes a directory, not a .json file`);
  let xPath: string;
  let yPath: string;
  const written: string[] = [];
  if (format === 'npy' && path.endsWith('.npy')) {
    if (!/X\.npy$/.test(basename(path)))
      throw new ValidationError(`data ${path}: the inputs file must be named <prefix>X.npy`);
    xPath = path;
    yPath = yBeside(path);
  } else {
    xPath = join(path, 'X.npy');
    yPath = join(path, 'Y.npy');
    if (format === 'both') {
      const jsonPath = join(path, 'data.json');
      writeFileAtomic(jsonPath, stringifyTopLevel(dataToJson(ds) as unknown as Record<string, unknown>));
      written.push(jsonPath);
    }
  }
  const dtypeOf = (a: FloatArray): NpyDtype => opts.dtype ?? (a instanceof Float32Array ? '<f4' : '<f8');
  writeNpy(xPath, ds.X, [ds.n, ds.T, ds.d], dtypeOf(ds.X));
  writeNpy(yPath, ds.Y, readoutOf(ds) === 'final' ? [ds.n] : [ds.n, ds.T], dtypeOf(ds.Y));
  written.push(xPath, yPath);
  return written;
}
