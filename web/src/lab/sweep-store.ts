/**
 * The browser's sweep checkpoint, in IndexedDB: per sweep its manifest (the 'rnn-gd.sweep/1'
 * object of sweep.json) and each point result the moment it finishes, one record per point, so a
 * closed tab or a reload loses no finished point. A sweep is keyed by its fingerprint and
 * backend: the same setting finds its points again, a different one never mixes with them.
 */
import type { PointResult, SweepManifest } from 'rnn-gd/experiments';

const DB = 'rnn-gd-lab';
const SWEEPS = 'sweeps';
const POINTS = 'points';

export interface StoredSweep {
  key: string;
  manifest: SweepManifest;
  /** 'running' until every point is finished (also after a reload that interrupted it). */
  status: 'running' | 'completed';
  updatedAt: string;
}

export const sweepKey = (m: Pick<SweepManifest, 'experiment' | 'fingerprint' | 'backend'>) =>
  `${m.experiment}:${m.fingerprint}:${m.backend}`;

let opened: Promise<IDBDatabase> | null = null;
function db(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const d = req.result;
      d.createObjectStore(SWEEPS, { keyPath: 'key' });
      d.createObjectStore(POINTS, { keyPath: ['sweep', 'id'] }).createIndex('sweep', 'sweep');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB: cannot open the lab database'));
  });
  return opened;
}

/** Runs `body` in one transaction and resolves when it is committed (durable), with body's value. */
async function tx<T>(
  stores: string[],
  mode: IDBTransactionMode,
  body: (t: IDBTransaction) => IDBRequest<T> | void,
): Promise<T> {
  const t = (await db()).transaction(stores, mode, { durability: 'strict' });
  const req = body(t);
  return new Promise<T>((resolve, reject) => {
    t.oncomplete = () => resolve(req ? req.result : (undefined as T));
    t.onerror = () => reject(t.error ?? new Error('IndexedDB: transaction failed'));
    t.onabort = () => reject(t.error ?? new Error('IndexedDB: transaction aborted (storage full?)'));
  });
}

export function listSweeps(): Promise<StoredSweep[]> {
  return tx([SWEEPS], 'readonly', (t) => t.objectStore(SWEEPS).getAll() as IDBRequest<StoredSweep[]>);
}

export function getSweep(key: string): Promise<StoredSweep | undefined> {
  return tx([SWEEPS], 'readonly', (t) => t.objectStore(SWEEPS).get(key) as IDBRequest<StoredSweep | undefined>);
}

export async function putSweep(s: StoredSweep): Promise<void> {
  await tx([SWEEPS], 'readwrite', (t) => {
    t.objectStore(SWEEPS).put(s);
  });
}

/** Appends one finished point (committed before the promise resolves). */
export async function putPoint(key: string, r: PointResult): Promise<void> {
  await tx([POINTS], 'readwrite', (t) => {
    t.objectStore(POINTS).put({ sweep: key, id: r.id, result: r });
  });
}

/** The sweep's finished points, in point-index order. */
export async function getPoints(key: string): Promise<PointResult[]> {
  const rows = await tx(
    [POINTS],
    'readonly',
    (t) => t.objectStore(POINTS).index('sweep').getAll(key) as IDBRequest<{ result: PointResult }[]>,
  );
  return rows.map((r) => r.result).sort((a, b) => a.index - b.index);
}

export async function deleteSweep(key: string): Promise<void> {
  await tx([SWEEPS, POINTS], 'readwrite', (t) => {
    t.objectStore(SWEEPS).delete(key);
    t.objectStore(POINTS).delete(IDBKeyRange.bound([key], [key, []]));
  });
}
