/**
 * Generated data on disk (docs/formats.md): a directory holding
 *
 *   meta.json            the generator's meta (system, full config, seed, version, normalization, teacher)
 *   train/data.json      rnn-gd.data/1 (with meta, split 'train') + train/X.npy, train/Y.npy
 *   test/data.json       the same for the test split (absent when nTest = 0)
 *   teacher.json         teacher-rnn / dense-teacher: the teacher network (rnn-gd.model/1)
 *
 * `readData(<dir>/train)` (ts/io) loads a split; `readGenerated(<dir>)` loads everything.
 */
import { ValidationError } from '../core/errors.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readData, writeData } from '../io/data-file.js';
import { readJsonFile, stringifyTopLevel, saveModel } from '../io/model-file.js';
import { writeFileAtomic, type NpyDtype } from '../io/npy.js';
import type { Dataset } from '../core/types.js';
import type { DataMeta, GeneratedData } from './generate.js';

export const META_FILE = 'meta.json';

/** Writes train/test (JSON + .npy), meta.json and the teacher model when there is one. Returns the paths. */
export function writeGenerated(dir: string, g: GeneratedData, opts: { dtype?: NpyDtype } = {}): string[] {
  const written: string[] = [];
  written.push(...writeData(join(dir, 'train'), g.train, { format: 'both', dtype: opts.dtype }));
  if (g.test) written.push(...writeData(join(dir, 'test'), g.test, { format: 'both', dtype: opts.dtype }));
  if (g.teacherModel) {
    const path = join(dir, 'teacher.json');
    saveModel(path, { ...g.teacherModel, meta: { role: 'teacher', system: g.meta.system, seed: g.meta.seed } });
    written.push(path);
  }
  const metaPath = join(dir, META_FILE);
  writeFileAtomic(
    metaPath,
    stringifyTopLevel({ ...g.meta, files: [...written.map((p) => p.slice(dir.length + 1)), META_FILE] }),
  );
  written.push(metaPath);
  return written;
}

export interface LoadedData {
  train: Dataset;
  test: Dataset | null;
  meta: DataMeta | null;
}

/**
 * Reads a generated directory (train/, test/, meta.json), or any single data set path that
 * `readData` accepts (then `train` is that data set, `test` null and meta its embedded meta).
 */
export function readGenerated(path: string): LoadedData {
  if (!existsSync(path)) throw new ValidationError(`data ${path}: no such file or directory`);
  const trainDir = join(path, 'train');
  if (existsSync(trainDir)) {
    const metaPath = join(path, META_FILE);
    const meta = existsSync(metaPath) ? (readJsonFile(metaPath, 'data meta') as DataMeta) : null;
    const testDir = join(path, 'test');
    return { train: readData(trainDir), test: existsSync(testDir) ? readData(testDir) : null, meta };
  }
  const train = readData(path);
  return { train, test: null, meta: (train.meta as DataMeta | undefined) ?? null };
}
