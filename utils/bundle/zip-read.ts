/**
 * A strict ZIP reader for bundles that may be hostile. It reads the central
 * directory itself (so it sees what a zip declares before inflating a byte),
 * refuses anything Saqta's writer would not produce or that could hurt the
 * reader (zip bombs, `..` and absolute paths, duplicates, overlaps, ZIP64,
 * encryption), and inflates each entry with a hard cap at its declared size.
 * Pure: bytes in, entries or a BundleError out.
 */
import { Inflate } from 'fflate';
import { BundleError } from './errors';

export const LIMITS = {
  /** Largest bundle file accepted. */
  bundleBytes: 2 * 1024 ** 3,
  entries: 50_000,
  /** Largest single file, uncompressed. */
  fileBytes: 512 * 1024 ** 2,
  /** All files together, uncompressed. */
  totalBytes: 3 * 1024 ** 3,
  /** Compression ratio above which a large entry is a bomb. */
  ratio: 100,
  /** Entries smaller than this may have any ratio (tiny files compress well). */
  ratioFloor: 1024 * 1024,
  nameBytes: 512,
} as const;

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's data (after its local header). */
  dataOffset: number;
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** Is this a relative path made of safe segments? Returns a reason when it is not. */
export function pathProblem(name: string): { code: 'bad-name' | 'unsafe-path' | 'absolute-path' | 'directory-entry'; why: string } | null {
  if (!name) return { code: 'bad-name', why: 'has an empty name' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return { code: 'bad-name', why: 'has control characters in its name' };
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) return { code: 'absolute-path', why: 'has an absolute path' };
  if (name.includes('\\')) return { code: 'unsafe-path', why: 'uses a backslash in its path' };
  if (name.endsWith('/')) return { code: 'directory-entry', why: 'is a folder entry (Saqta bundles hold only files)' };
  if (name.split('/').some((s) => s === '..' || s === '.' || s === '')) return { code: 'unsafe-path', why: 'has a path that leaves the bundle (.., . or //)' };
  return null;
}

/** Read and check the central directory. Throws BundleError. */
export function listEntries(bytes: Uint8Array): ZipEntry[] {
  if (bytes.length === 0) throw new BundleError('empty', 'The file is empty: it is not a Saqta bundle.');
  if (bytes.length > LIMITS.bundleBytes) throw new BundleError('too-large', `The file is ${bytes.length} bytes, more than Saqta opens (${LIMITS.bundleBytes}).`);
  if (bytes.length < 22 || u32(bytes, 0) !== 0x04034b50 && u32(bytes, 0) !== 0x06054b50) {
    throw new BundleError('not-zip', 'This file is not a ZIP archive, so it is not a Saqta bundle.');
  }
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (u32(bytes, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new BundleError('truncated', 'The ZIP archive is cut short: its table of contents (end of central directory) is missing.');
  const disk = u16(bytes, eocd + 4);
  const cdDisk = u16(bytes, eocd + 6);
  const countHere = u16(bytes, eocd + 8);
  const count = u16(bytes, eocd + 10);
  const cdSize = u32(bytes, eocd + 12);
  const cdOffset = u32(bytes, eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new BundleError('zip64', 'The archive uses ZIP64 extensions, which Saqta bundles never use.');
  }
  if (disk !== 0 || cdDisk !== 0 || countHere !== count) throw new BundleError('multi-disk', 'The archive is split over several disks; Saqta reads single-file archives only.');
  if (count > LIMITS.entries) throw new BundleError('too-many-entries', `The archive has ${count} files, more than a bundle may hold (${LIMITS.entries}).`);
  if (cdOffset + cdSize > eocd) throw new BundleError('truncated', 'The archive’s table of contents points outside the file: it is cut short or damaged.');

  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || u32(bytes, p) !== 0x02014b50) throw new BundleError('truncated', `Entry ${i + 1} of the archive’s table of contents is damaged.`);
    const flags = u16(bytes, p + 8);
    const method = u16(bytes, p + 10);
    const crc = u32(bytes, p + 16);
    const compressedSize = u32(bytes, p + 20);
    const size = u32(bytes, p + 24);
    const nameLen = u16(bytes, p + 28);
    const extraLen = u16(bytes, p + 30);
    const commentLen = u16(bytes, p + 32);
    const localOffset = u32(bytes, p + 42);
    if (nameLen > LIMITS.nameBytes) throw new BundleError('bad-name', `Entry ${i + 1} has a name of ${nameLen} bytes, too long for a bundle file.`);
    let name: string;
    try {
      name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    } catch {
      throw new BundleError('bad-name', `Entry ${i + 1} has a name that is not valid UTF-8.`);
    }
    const label = JSON.stringify(name);
    const problem = pathProblem(name);
    if (problem) throw new BundleError(problem.code, `The file ${label} ${problem.why}; Saqta refuses it.`, name);
    const key = name.normalize('NFC');
    if (seen.has(key)) throw new BundleError('duplicate-entry', `The file ${label} appears twice in the archive.`, name);
    seen.add(key);
    if (flags & 1) throw new BundleError('encrypted', `The file ${label} is encrypted; Saqta bundles are never encrypted.`, name);
    if (method !== 0 && method !== 8) throw new BundleError('unsupported-method', `The file ${label} uses compression method ${method}; bundles use only stored (0) or deflate (8).`, name);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw new BundleError('zip64', `The file ${label} uses ZIP64 sizes, which Saqta bundles never use.`, name);
    if (size > LIMITS.fileBytes) throw new BundleError('declared-bomb', `The file ${label} declares ${size} bytes when unpacked, more than a bundle file may be (${LIMITS.fileBytes}).`, name);
    if (size > LIMITS.ratioFloor && size / Math.max(1, compressedSize) > LIMITS.ratio) {
      throw new BundleError('ratio-bomb', `The file ${label} would grow ${Math.round(size / Math.max(1, compressedSize))} times when unpacked: a zip bomb.`, name);
    }
    if (method === 0 && compressedSize !== size) throw new BundleError('size-mismatch', `The stored file ${label} declares different packed and unpacked sizes.`, name);
    total += size;
    if (total > LIMITS.totalBytes) throw new BundleError('declared-bomb', `The files of this archive add up to more than ${LIMITS.totalBytes} bytes when unpacked: a zip bomb.`, name);
    // Local header: same name, data inside the file.
    if (localOffset + 30 > cdOffset || u32(bytes, localOffset) !== 0x04034b50) throw new BundleError('bad-local-header', `The file ${label} points to a damaged or missing local header.`, name);
    const lNameLen = u16(bytes, localOffset + 26);
    const lExtraLen = u16(bytes, localOffset + 28);
    const lName = bytes.subarray(localOffset + 30, localOffset + 30 + lNameLen);
    if (lNameLen !== nameLen || !lName.every((b, k) => b === bytes[p + 46 + k])) {
      throw new BundleError('bad-local-header', `The file ${label} has a different name in its local header: the archive was tampered with.`, name);
    }
    const dataOffset = localOffset + 30 + lNameLen + lExtraLen;
    if (dataOffset + compressedSize > cdOffset) throw new BundleError('truncated', `The data of ${label} runs past the end of the archive.`, name);
    entries.push({ name, method, crc, compressedSize, size, dataOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  // Entries may not share bytes (a classic way to multiply a small archive).
  const byOffset = [...entries].sort((a, b) => a.dataOffset - b.dataOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    if (prev.dataOffset + prev.compressedSize > byOffset[i]!.dataOffset - 30) {
      throw new BundleError('overlapping-entries', `The files ${JSON.stringify(prev.name)} and ${JSON.stringify(byOffset[i]!.name)} share bytes in the archive: a zip bomb or a damaged file.`, byOffset[i]!.name);
    }
  }
  return entries;
}

/** Unpack one entry, never producing more than it declared; checks its CRC-32. */
export function readEntry(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  const label = JSON.stringify(e.name);
  const packed = bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) {
    out = packed.slice();
  } else {
    out = new Uint8Array(e.size);
    let at = 0;
    let overflow = false;
    const inflate = new Inflate((chunk) => {
      if (overflow) return;
      if (at + chunk.length > e.size) {
        overflow = true;
        return;
      }
      out.set(chunk, at);
      at += chunk.length;
    });
    try {
      const step = 64 * 1024;
      for (let i = 0; i < packed.length && !overflow; i += step) {
        inflate.push(packed.subarray(i, Math.min(packed.length, i + step)), i + step >= packed.length);
      }
      if (packed.length === 0) inflate.push(new Uint8Array(0), true);
    } catch (err) {
      if (!overflow) throw new BundleError('corrupt-data', `The file ${label} is damaged: its compressed data cannot be read (${(err as Error).message}).`, e.name);
    }
    if (overflow) throw new BundleError('real-bomb', `The file ${label} unpacks to more than the ${e.size} bytes it declares: a zip bomb.`, e.name);
    if (at !== e.size) throw new BundleError('size-mismatch', `The file ${label} unpacks to ${at} bytes but declares ${e.size}.`, e.name);
  }
  if (crc32(out) !== e.crc) throw new BundleError('crc-mismatch', `The file ${label} is damaged: its CRC-32 checksum does not match.`, e.name);
  return out;
}

/** Every entry, unpacked and checked. */
export function unzipStrict(bytes: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const e of listEntries(bytes)) files.set(e.name, readEntry(bytes, e));
  return files;
}
