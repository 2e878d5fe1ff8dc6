/** The .npy reader/writer: round trips, NumPy interoperability (when numpy is installed), bad files. */
import { ValidationError } from '../../ts/core/errors.js';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../../ts/io/npy.js';
import { PYTHON, requireNumpy } from '../python.js';
import { tempDir } from '../support/fs.js';

const dir = tempDir('npy');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const python = (code: string) => {
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
};

/** Builds a .npy file by hand with an arbitrary header (for bad-file tests). */
function rawNpy(header: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  const h = header.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, h.length, true);
  else view.setUint32(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[prefix + i] = h.charCodeAt(i);
  out.set(data, total);
  return out;
}

describe('npy round trip', () => {
  it.each([
    ['f8 1-D', new Float64Array([0.1, -2.5e-300, 1e300, Math.PI, -0, 5e-324]), [6]],
    ['f8 3-D', Float64Array.from({ length: 24 }, (_, i) => Math.sin(i) / 7), [2, 3, 4]],
    ['f4 2-D', Float32Array.from({ length: 6 }, (_, i) => i / 3), [2, 3]],
    ['f4 3-D', Float32Array.from({ length: 30 }, (_, i) => Math.cos(i)), [5, 3, 2]],
    ['f8 scalar', new Float64Array([42.5]), []],
    ['f8 empty', new Float64Array(0), [0, 3]],
  ] as const)('%s is exact', (_name, data, shape) => {
    const bytes = encodeNpy(data, shape);
    // The data starts on a 64-byte boundary, as NumPy writes it.
    const headerLen = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLen) % 64).toBe(0);
    expect(bytes[10 + headerLen - 1]).toBe(0x0a);
    const back = parseNpy(bytes);
    expect(back.shape).toEqual([...shape]);
    expect(back.dtype).toBe(data instanceof Float32Array ? '<f4' : '<f8');
    expect(back.data.constructor).toBe(data.constructor);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('writes the requested dtype and reads files from disk (atomically, no temp file left)', () => {
    const p = join(dir, 'a.npy');
    writeNpy(p, [1.5, 2.25, 3], [3], '<f4');
    const back = readNpy(p);
    expect(back.dtype).toBe('<f4');
    expect(Array.from(back.data)).toEqual([1.5, 2.25, 3]);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('reads a header that is not the first thing in its buffer (Node Buffer pools)', () => {
    const bytes = encodeNpy(new Float64Array([1, 2, 3]), [3]);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(Array.from(parseNpy(padded.subarray(3)).data)).toEqual([1, 2, 3]);
  });

  it('reads versions 2.0 and 3.0, big-endian floats, and int32/int64 as float64', () => {
    const f8 = new Uint8Array(new Float64Array([1.25, -3]).buffer);
    expect(
      Array.from(parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8, 2)).data),
    ).toEqual([1.25, -3]);
    expect(
      Array.from(parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8, 3)).data),
    ).toEqual([1.25, -3]);
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -2, false);
    const beArr = parseNpy(rawNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be));
    expect(beArr.dtype).toBe('<f4');
    expect(beArr.fileDtype).toBe('>f4');
    expect(Array.from(beArr.data)).toEqual([1.5, -2]);
    const i4 = parseNpy(
      rawNpy(
        "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }",
        new Uint8Array(new Int32Array([1, -2, 7]).buffer),
      ),
    );
    expect(i4.dtype).toBe('<f8');
    expect(Array.from(i4.data)).toEqual([1, -2, 7]);
    const i8 = parseNpy(
      rawNpy(
        "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2), }",
        new Uint8Array(new BigInt64Array([5n, -9n]).buffer),
      ),
    );
    expect(i8.shape).toEqual([1, 2]);
    expect(Array.from(i8.data)).toEqual([5, -9]);
  });
});

describe('bad .npy files', () => {
  const good = encodeNpy(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);

  it('truncated data: says how many bytes were expected and found', () => {
    const cut = good.subarray(0, good.length - 5);
    expect(() => parseNpy(cut, 'x.npy')).toThrow(ValidationError);
    expect(() => parseNpy(cut, 'x.npy')).toThrow(
      /x\.npy: truncated \.npy file: shape \(2, 3\) of '<f8' needs 48 data bytes, the file has 43/,
    );
  });

  it('truncated header, missing magic, trailing bytes', () => {
    expect(() => parseNpy(good.subarray(0, 30), 'h.npy')).toThrow(
      /truncated .*header needs 128 bytes but the file has 30/,
    );
    expect(() => parseNpy(new TextEncoder().encode('{"format": 1} not npy'), 'j.npy')).toThrow(/not a \.npy file/);
    const extra = new Uint8Array(good.length + 8);
    extra.set(good);
    expect(() => parseNpy(extra, 'e.npy')).toThrow(/8 unexpected trailing bytes/);
  });

  it('fortran order is refused with a clear message', () => {
    const f = rawNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", new Uint8Array(16));
    expect(() => parseNpy(f, 'f.npy')).toThrow(/f\.npy: Fortran-order .* not supported/);
  });

  it('unsupported dtypes and versions, structured dtypes, bad shapes', () => {
    expect(() =>
      parseNpy(rawNpy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(16)), 'c.npy'),
    ).toThrow(/unsupported dtype '<c16'/);
    expect(() =>
      parseNpy(rawNpy("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(2)), 'c.npy'),
    ).toThrow(/unsupported dtype '<f2'/);
    expect(() =>
      parseNpy(
        rawNpy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)),
        's.npy',
      ),
    ).toThrow(/structured/);
    expect(() =>
      parseNpy(rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", new Uint8Array(8)), 'b.npy'),
    ).toThrow(/bad dimension/);
    const v9 = good.slice();
    v9[6] = 9;
    expect(() => parseNpy(v9, 'v.npy')).toThrow(/unsupported \.npy format version 9\.0/);
    expect(() => encodeNpy([1, 2, 3], [2, 2])).toThrow(/holds 4 values but the array has 3/);
  });

  it('missing file names the path', () => {
    expect(() => readNpy(join(dir, 'nope.npy'))).toThrow(/nope\.npy: cannot read/);
  });
});

describe('interoperability with NumPy', () => {
  beforeAll(requireNumpy);
  it('reads what NumPy writes (f4, f8, 1-D, 3-D, Fortran refused)', () => {
    python(`
import numpy as np
np.save(${JSON.stringify(join(dir, 'np_f8_1d.npy'))}, np.array([0.1, -2.5, 1e300, 5e-324], dtype='<f8'))
np.save(${JSON.stringify(join(dir, 'np_f4_3d.npy'))}, (np.arange(24, dtype='<f4').reshape(2, 3, 4) / 7).astype('<f4'))
np.save(${JSON.stringify(join(dir, 'np_f8_3d.npy'))}, (np.arange(30.0) / 7 - 1.5).reshape(5, 3, 2))
np.save(${JSON.stringify(join(dir, 'np_i8.npy'))}, np.array([[1, -2], [3, 4]], dtype='<i8'))
np.save(${JSON.stringify(join(dir, 'np_fortran.npy'))}, np.asfortranarray(np.ones((3, 2))))
`);
    const a = readNpy(join(dir, 'np_f8_1d.npy'));
    expect(a.shape).toEqual([4]);
    expect(Array.from(a.data)).toEqual([0.1, -2.5, 1e300, 5e-324]);
    const b = readNpy(join(dir, 'np_f4_3d.npy'));
    expect(b.shape).toEqual([2, 3, 4]);
    expect(b.dtype).toBe('<f4');
    expect(Array.from(b.data)).toEqual(Array.from(Float32Array.from({ length: 24 }, (_, i) => Math.fround(i) / 7)));
    const c = readNpy(join(dir, 'np_f8_3d.npy'));
    expect(c.shape).toEqual([5, 3, 2]);
    expect(Array.from(c.data)).toEqual(Array.from({ length: 30 }, (_, i) => i / 7 - 1.5));
    expect(Array.from(readNpy(join(dir, 'np_i8.npy')).data)).toEqual([1, -2, 3, 4]);
    expect(() => readNpy(join(dir, 'np_fortran.npy'))).toThrow(/Fortran-order/);
  });

  it('NumPy reads what we write, with the same bytes for the data', () => {
    const f8 = Float64Array.from({ length: 24 }, (_, i) => Math.sin(i) / 3);
    const f4 = Float32Array.from({ length: 6 }, (_, i) => i / 3);
    writeNpy(join(dir, 'ours_f8.npy'), f8, [2, 3, 4]);
    writeNpy(join(dir, 'ours_f4.npy'), f4, [6]);
    writeNpy(join(dir, 'ours_scalar.npy'), [2.5], []);
    const out = python(`
import json, numpy as np
a = np.load(${JSON.stringify(join(dir, 'ours_f8.npy'))})
b = np.load(${JSON.stringify(join(dir, 'ours_f4.npy'))})
s = np.load(${JSON.stringify(join(dir, 'ours_scalar.npy'))})
print(json.dumps({'a_shape': list(a.shape), 'a_dtype': a.dtype.str, 'a_c': bool(a.flags['C_CONTIGUOUS']),
  'a': [float(v) for v in a.ravel()], 'b_shape': list(b.shape), 'b_dtype': b.dtype.str,
  'b': [float(v) for v in b.ravel()], 's_shape': list(s.shape), 's': float(s)}))
`);
    const r = JSON.parse(out);
    expect(r.a_shape).toEqual([2, 3, 4]);
    expect(r.a_dtype).toBe('<f8');
    expect(r.a_c).toBe(true);
    expect(r.a).toEqual(Array.from(f8));
    expect(r.b_shape).toEqual([6]);
    expect(r.b_dtype).toBe('<f4');
    expect(r.b).toEqual(Array.from(f4));
    expect(r.s_shape).toEqual([]);
    expect(r.s).toBe(2.5);
  });

  it('our header bytes match what NumPy writes for the same array, up to its growth padding', () => {
    python(`
import numpy as np
np.save(${JSON.stringify(join(dir, 'np_same.npy'))}, np.arange(6.0).reshape(2, 3))
`);
    const theirs = readFileSync(join(dir, 'np_same.npy'));
    const ours = encodeNpy(Float64Array.from([0, 1, 2, 3, 4, 5]), [2, 3]);
    // Same data bytes at the same 64-byte aligned offset (NumPy pads its header for growth).
    const offTheirs = 10 + theirs.readUInt16LE(8);
    const offOurs = 10 + new DataView(ours.buffer).getUint16(8, true);
    expect(offOurs % 64).toBe(0);
    expect(Buffer.from(ours.subarray(offOurs)).equals(theirs.subarray(offTheirs))).toBe(true);
    const textTheirs = theirs.subarray(10, offTheirs).toString('latin1').trim();
    const textOurs = Buffer.from(ours.subarray(10, offOurs)).toString('latin1').trim();
    expect(textOurs).toBe(textTheirs);
  });
});
