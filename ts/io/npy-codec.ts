/**
 * A small, dependency-free encoder and decoder for NumPy `.npy` bytes (format versions 1.0, 2.0, 3.0).
 *
 * Reads dtypes float32/float64 (either byte order) and int32/int64 (converted to float64), C order only.
 * Writes little-endian '<f4' or '<f8', version 1.0 (2.0 when the header would not fit), with the
 * header padded so the data starts on a 64-byte boundary, as NumPy does.
 * See https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 * Universal (browsers and Node): no file system here; readNpy/writeNpy are in ./npy.ts (Node).
 */
import { ValidationError } from '../core/errors.js';
import { numbersArg } from '../core/api-args.js';

/** The dtypes this writer produces (and the reader returns after conversion). */
export type NpyDtype = '<f4' | '<f8';

export interface NpyArray {
  /** Array shape, C order (row-major); [] for a scalar. */
  shape: number[];
  /** Storage dtype of the returned data: '<f4' (Float32Array) or '<f8' (Float64Array). */
  dtype: NpyDtype;
  data: Float32Array | Float64Array;
  /** The dtype string as written in the file (e.g. '<i8', '>f4'), when it differs from `dtype`. */
  fileDtype?: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface DtypeInfo {
  kind: 'f' | 'i';
  size: 4 | 8;
  little: boolean;
}

function parseDescr(descr: string, where: string): DtypeInfo {
  const m = /^([<>|=]?)([fi])(\d+)$/.exec(descr);
  if (!m) {
    throw new ValidationError(
      `${where}: unsupported dtype '${descr}'; expected float32/float64 ('<f4', '<f8') or int32/int64 ('<i4', '<i8')`,
    );
  }
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText);
  if (size !== 4 && size !== 8) {
    throw new ValidationError(
      `${where}: unsupported dtype '${descr}' (${size}-byte ${kind === 'f' ? 'float' : 'int'}); supported: f4, f8, i4, i8`,
    );
  }
  if (order === '|') throw new ValidationError(`${where}: dtype '${descr}' has no byte order; expected '<' or '>'`);
  // '=' means native order of the machine that wrote the file; NumPy never writes it, assume little-endian.
  return { kind: kind as 'f' | 'i', size, little: order !== '>' };
}

type HeaderValue = string | boolean | number[] | { list: true };

/**
 * Parses the Python-literal header dict, e.g. {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), },
 * strictly: exactly the keys 'descr', 'fortran_order' and 'shape', each once (NumPy's reader refuses
 * other keys; a duplicate would be read differently by NumPy, whose last one wins), string values
 * without escapes, True/False, a tuple of non-negative integers. Anything NumPy might read another
 * way is refused.
 */
function parseHeader(header: string, where: string): { descr: string; fortran: boolean; shape: number[] } {
  const text = header.trim();
  const bad = (why: string): never => {
    throw new ValidationError(`${where}: malformed .npy header (${why}): ${JSON.stringify(text.slice(0, 160))}`);
  };
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) bad(`expected '${c}' at offset ${i}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') bad(`expected a quoted string at offset ${i}`);
    const end = text.indexOf(q, i + 1);
    if (end < 0) bad('unterminated string');
    const v = text.slice(i + 1, end);
    if (v.includes('\\')) bad('escapes in strings are not supported');
    i = end + 1;
    return v;
  };
  const value = (): HeaderValue => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') return str();
    if (text.startsWith('True', i)) return ((i += 4), true);
    if (text.startsWith('False', i)) return ((i += 5), false);
    if (c === '[') return { list: true };
    if (c === '(') {
      i++;
      const dims: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') break;
        const m = /^(\d+)L?/.exec(text.slice(i, i + 40));
        if (!m) bad(`bad dimension at offset ${i} in the shape tuple`);
        const v = Number(m![1]);
        if (!Number.isSafeInteger(v))
          throw new ValidationError(`${where}: dimension ${m![1]} in .npy shape is too large`);
        dims.push(v);
        i += m![0].length;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') bad(`expected ',' or ')' at offset ${i} in the shape tuple`);
        else if (dims.length === 1) bad('a one-element shape needs a trailing comma, as in (3,)');
      }
      i++;
      return dims;
    }
    return bad(`unsupported value at offset ${i}`);
  };
  expect('{');
  const entries = new Map<string, HeaderValue>();
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const key = str();
    if (!['descr', 'fortran_order', 'shape'].includes(key))
      bad(`unexpected key '${key}'; a .npy header has exactly descr, fortran_order, shape`);
    if (entries.has(key)) bad(`key '${key}' appears twice`);
    expect(':');
    const v = value();
    if (typeof v === 'object' && 'list' in v) {
      throw new ValidationError(`${where}: structured (record) dtypes are not supported; save a plain float array`);
    }
    entries.set(key, v);
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') bad(`expected ',' or '}' at offset ${i}`);
  }
  i++;
  ws();
  if (i !== text.length) bad('text after the closing brace');
  const descr = entries.get('descr');
  const fortran = entries.get('fortran_order');
  const shape = entries.get('shape');
  if (descr === undefined)
    throw new ValidationError(`${where}: .npy header has no 'descr' entry: ${JSON.stringify(text.slice(0, 120))}`);
  if (typeof descr !== 'string') bad("'descr' must be a string");
  if (fortran === undefined) throw new ValidationError(`${where}: .npy header has no 'fortran_order' entry`);
  if (typeof fortran !== 'boolean') bad("'fortran_order' must be True or False");
  if (shape === undefined) throw new ValidationError(`${where}: .npy header has no 'shape' tuple`);
  if (!Array.isArray(shape)) bad("'shape' must be a tuple of integers");
  return { descr: descr as string, fortran: fortran as boolean, shape: shape as number[] };
}

const shapeText = (shape: readonly number[]): string =>
  shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;

/** Decodes the bytes of a .npy file. `where` names the file in error messages. */
export function parseNpy(bytes: Uint8Array, where = '.npy file'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ValidationError(`${where}: not a .npy file (missing the \\x93NUMPY magic string)`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) {
    throw new ValidationError(`${where}: unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) {
    throw new ValidationError(
      `${where}: truncated .npy file (${bytes.length} bytes; the header length field is incomplete)`,
    );
  }
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lenBytes + headerLen;
  if (bytes.length < dataOffset) {
    throw new ValidationError(
      `${where}: truncated .npy file: the header needs ${dataOffset} bytes but the file has ${bytes.length}`,
    );
  }
  const headerBytes = bytes.subarray(8 + lenBytes, dataOffset);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const { descr, fortran, shape } = parseHeader(header, where);
  const info = parseDescr(descr, where);
  if (fortran) {
    throw new ValidationError(
      `${where}: Fortran-order (column-major) arrays are not supported; save with np.save(path, np.ascontiguousarray(a))`,
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * info.size;
  const actual = bytes.length - dataOffset;
  if (actual < expected) {
    throw new ValidationError(
      `${where}: truncated .npy file: shape ${shapeText(shape)} of '${descr}' needs ${expected} data bytes, ` +
        `the file has ${actual} (total ${bytes.length} bytes, expected ${dataOffset + expected})`,
    );
  }
  if (actual > expected) {
    throw new ValidationError(
      `${where}: .npy file has ${actual - expected} unexpected trailing bytes after the data ` +
        `(shape ${shapeText(shape)} of '${descr}' needs ${expected} data bytes, the file has ${actual})`,
    );
  }
  const dtype: NpyDtype = info.kind === 'f' && info.size === 4 ? '<f4' : '<f8';
  let data: Float32Array | Float64Array;
  if (info.kind === 'f' && info.little === HOST_LITTLE_ENDIAN) {
    // Fast path: copy the bytes into a fresh (aligned) buffer and view them. (Not bytes.slice():
    // on a Node Buffer that is a view into a shared pool, not a copy.)
    const copy = new Uint8Array(bytes.subarray(dataOffset, dataOffset + expected)).buffer;
    data = info.size === 4 ? new Float32Array(copy) : new Float64Array(copy);
  } else {
    data = dtype === '<f4' ? new Float32Array(count) : new Float64Array(count);
    const le = info.little;
    for (let i = 0, p = dataOffset; i < count; i++, p += info.size) {
      if (info.kind === 'f') {
        data[i] = info.size === 4 ? view.getFloat32(p, le) : view.getFloat64(p, le);
      } else if (info.size === 4) {
        data[i] = view.getInt32(p, le);
      } else {
        const v = view.getBigInt64(p, le);
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
          throw new ValidationError(`${where}: int64 entry ${i} (${v}) cannot be represented exactly as a float64`);
        }
        data[i] = Number(v);
      }
    }
  }
  const result: NpyArray = { shape, dtype, data };
  if (descr !== dtype) result.fileDtype = descr;
  return result;
}

/**
 * Encodes an array as .npy bytes. The dtype follows the array ('<f4' for Float32Array, '<f8' for
 * Float64Array) unless `dtype` is given. The shape's product must equal data.length.
 */
export function encodeNpy(data: ArrayLike<number>, shape: readonly number[], dtype?: NpyDtype): Uint8Array {
  numbersArg(data, 'encodeNpy', 'data');
  numbersArg(shape, 'encodeNpy', 'shape');
  const dt: NpyDtype = dtype ?? (data instanceof Float32Array ? '<f4' : '<f8');
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0)
      throw new ValidationError(`npy: bad dimension ${dim} in shape [${shape.join(', ')}]`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new ValidationError(`npy: shape ${shapeText(shape)} holds ${count} values but the array has ${data.length}`);
  }
  const dict = `{'descr': '${dt}', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  // Pad with spaces and a final newline so that magic + version + length + header is a multiple of 64.
  let major = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    major = 2;
    prefix = 12;
    total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  }
  const headerLen = total - prefix;
  const header = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';
  const size = dt === '<f4' ? 4 : 8;
  const out = new Uint8Array(total + count * size);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  if (HOST_LITTLE_ENDIAN) {
    const typed =
      dt === '<f4' ? Float32Array.from(data as ArrayLike<number>) : Float64Array.from(data as ArrayLike<number>);
    out.set(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength), total);
  } else {
    for (let i = 0, p = total; i < count; i++, p += size) {
      if (size === 4) view.setFloat32(p, data[i], true);
      else view.setFloat64(p, data[i], true);
    }
  }
  return out;
}
