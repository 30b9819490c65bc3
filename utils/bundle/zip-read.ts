/**
 * A strict ZIP reader for bundles that may be hostile. It reads the central
 * directory itself (so it sees what a zip declares before inflating a byte),
 * refuses anything Saqta's writer would not produce or that could hurt the
 * reader (zip bombs, `..` and absolute paths, duplicates, overlaps, ZIP64,
 * encryption), and inflates each entry with a hard cap at its declared size.
 *
 * It reads through a `ByteSource` (a File/Blob read by slices, a Node file,
 * or bytes in memory), so an import never holds the whole archive: the tail
 * and the central directory first, then each entry's local header and data
 * in slices, inflated and handed on chunk by chunk.
 * Pure: bytes in, entries or a BundleError out.
 */
import { Inflate } from 'fflate';
import { BundleError, q, type BundleErrorCode, type RefusalKey } from './errors';

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
  /** Largest central directory read (50,000 entries of 46 + 512 bytes and some extra). */
  directoryBytes: 64 * 1024 ** 2,
} as const;

/** Random access to the bytes of an archive. */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes from `offset` (fewer only at the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (o, l) => bytes.subarray(o, o + l) };
}

/** A File or Blob, read by slices (the browser keeps big files on disk). */
export function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (o, l) => new Uint8Array(await blob.slice(o, o + l).arrayBuffer()) };
}

/**
 * Serve small sequential reads from one read-ahead window (1 MiB): a bundle has
 * thousands of small entries, and one `Blob.slice` per entry cost more than
 * inflating them. Larger reads go straight to the source.
 */
export function readAhead(src: ByteSource, window = 1024 * 1024): ByteSource & { until: number } {
  let start = 0;
  let buf: Uint8Array = new Uint8Array(0);
  return {
    size: src.size,
    /** Windows stop here (set to where the next large entry starts, which is read directly). */
    until: src.size,
    async read(offset, length) {
      if (offset >= start && offset + length <= start + buf.length) return buf.subarray(offset - start, offset - start + length);
      if (length >= window) return src.read(offset, length);
      buf = await src.read(offset, Math.max(length, Math.min(window, this.until - offset)));
      start = offset;
      return buf.subarray(0, length);
    },
  };
}

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  localOffset: number;
  /** Where the next entry's local header (or the central directory) starts: the entry's data must end before. */
  limit: number;
  /** The entry that starts at `limit`, if any (for the overlap message). */
  next?: string;
  nameBytes: Uint8Array;
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

type PathCode = 'bad-name' | 'unsafe-path' | 'absolute-path' | 'directory-entry';

/** Is this a relative path made of safe segments? Returns the refusal when it is not. */
export function pathProblem(name: string): { code: PathCode; key: RefusalKey } | null {
  if (!name) return { code: 'bad-name', key: 'pathEmpty' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return { code: 'bad-name', key: 'pathControl' };
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) return { code: 'absolute-path', key: 'pathAbsolute' };
  if (name.includes('\\')) return { code: 'unsafe-path', key: 'pathBackslash' };
  if (name.endsWith('/')) return { code: 'directory-entry', key: 'pathFolder' };
  if (name.split('/').some((s) => s === '..' || s === '.' || s === '')) return { code: 'unsafe-path', key: 'pathLeaves' };
  return null;
}

const refuse = (code: BundleErrorCode, key: RefusalKey, args: (string | number)[] = [], file?: string) => new BundleError(code, key, args, file);

/** The first bytes and the size: is this a ZIP at all? */
function checkStart(head: Uint8Array, size: number): void {
  if (size === 0) throw refuse('empty', 'empty');
  if (size > LIMITS.bundleBytes) throw refuse('too-large', 'tooLarge', [size, LIMITS.bundleBytes]);
  if (size < 22 || (u32(head, 0) !== 0x04034b50 && u32(head, 0) !== 0x06054b50)) throw refuse('not-zip', 'notZip');
}

interface Eocd {
  count: number;
  cdSize: number;
  cdOffset: number;
  /** Offset of the end record in the file. */
  at: number;
}

/** Find and check the end of central directory record in the file's last bytes (`tail` starts at `tailStart`). */
function findEocd(tail: Uint8Array, tailStart: number): Eocd {
  let i = tail.length - 22;
  for (; i >= 0; i--) if (u32(tail, i) === 0x06054b50) break;
  if (i < 0) throw refuse('truncated', 'noEnd');
  const disk = u16(tail, i + 4);
  const cdDisk = u16(tail, i + 6);
  const countHere = u16(tail, i + 8);
  const count = u16(tail, i + 10);
  const cdSize = u32(tail, i + 12);
  const cdOffset = u32(tail, i + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw refuse('zip64', 'zip64');
  if (disk !== 0 || cdDisk !== 0 || countHere !== count) throw refuse('multi-disk', 'multiDisk');
  if (count > LIMITS.entries) throw refuse('too-many-entries', 'tooManyEntries', [count, LIMITS.entries]);
  const at = tailStart + i;
  if (cdOffset + cdSize > at || cdSize > LIMITS.directoryBytes) throw refuse('truncated', 'directoryOutside');
  return { count, cdSize, cdOffset, at };
}

/** Read and check the central directory (`cd` holds its bytes). */
function parseDirectory(cd: Uint8Array, eocd: Eocd): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  let p = 0;
  for (let i = 0; i < eocd.count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) throw refuse('truncated', 'entryDamaged', [i + 1]);
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc = u32(cd, p + 16);
    const compressedSize = u32(cd, p + 20);
    const size = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    const localOffset = u32(cd, p + 42);
    if (nameLen > LIMITS.nameBytes) throw refuse('bad-name', 'nameTooLong', [i + 1, nameLen]);
    if (p + 46 + nameLen > cd.length) throw refuse('truncated', 'entryDamaged', [i + 1]);
    const nameBytes = cd.slice(p + 46, p + 46 + nameLen);
    let name: string;
    try {
      name = decoder.decode(nameBytes);
    } catch {
      throw refuse('bad-name', 'nameNotUtf8', [i + 1]);
    }
    const label = q(name);
    const problem = pathProblem(name);
    if (problem) throw refuse(problem.code, problem.key, [label], name);
    const key = name.normalize('NFC');
    if (seen.has(key)) throw refuse('duplicate-entry', 'duplicate', [label], name);
    seen.add(key);
    if (flags & 1) throw refuse('encrypted', 'encrypted', [label], name);
    if (method !== 0 && method !== 8) throw refuse('unsupported-method', 'method', [label, method], name);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) throw refuse('zip64', 'zip64Entry', [label], name);
    if (size > LIMITS.fileBytes) throw refuse('declared-bomb', 'declaredBomb', [label, size, LIMITS.fileBytes], name);
    if (size > LIMITS.ratioFloor && size / Math.max(1, compressedSize) > LIMITS.ratio) {
      throw refuse('ratio-bomb', 'ratioBomb', [label, Math.round(size / Math.max(1, compressedSize))], name);
    }
    if (method === 0 && compressedSize !== size) throw refuse('size-mismatch', 'storedSizes', [label], name);
    total += size;
    if (total > LIMITS.totalBytes) throw refuse('declared-bomb', 'totalBomb', [LIMITS.totalBytes], name);
    if (localOffset + 30 > eocd.cdOffset) throw refuse('bad-local-header', 'localMissing', [label], name);
    // The local header's name and extra field are only known when it is read (checkLocal): bound without them here.
    if (localOffset + 30 + compressedSize > eocd.cdOffset) throw refuse('truncated', 'dataPastEnd', [label], name);
    entries.push({ name, method, crc, compressedSize, size, localOffset, limit: eocd.cdOffset, nameBytes });
    p += 46 + nameLen + extraLen + commentLen;
  }
  // Entries may not share bytes (a classic way to multiply a small archive).
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    const cur = byOffset[i]!;
    if (prev.localOffset + 30 + prev.compressedSize > cur.localOffset) {
      throw refuse('overlapping-entries', 'overlap', [q(prev.name), q(cur.name)], cur.name);
    }
    prev.limit = cur.localOffset;
    prev.next = cur.name;
  }
  return entries;
}

/** Read the central directory through a source: the tail, then the directory. Throws BundleError. */
export async function openZip(src: ByteSource): Promise<ZipEntry[]> {
  const size = src.size;
  checkStart(size > 0 && size <= LIMITS.bundleBytes ? await src.read(0, 4) : new Uint8Array(4), size);
  const tailStart = Math.max(0, size - 22 - 0xffff);
  const tail = await src.read(tailStart, size - tailStart);
  const eocd = findEocd(tail, tailStart);
  const cd = eocd.cdOffset >= tailStart ? tail.subarray(eocd.cdOffset - tailStart, eocd.cdOffset - tailStart + eocd.cdSize) : await src.read(eocd.cdOffset, eocd.cdSize);
  return parseDirectory(cd, eocd);
}

/** Check an entry's local header (`head` starts at its local offset); returns where its data starts. */
function checkLocal(e: ZipEntry, head: Uint8Array): number {
  const label = q(e.name);
  if (head.length < 30 || u32(head, 0) !== 0x04034b50) throw refuse('bad-local-header', 'localMissing', [label], e.name);
  const lNameLen = u16(head, 26);
  const lExtraLen = u16(head, 28);
  if (lNameLen !== e.nameBytes.length || head.length < 30 + lNameLen || !e.nameBytes.every((b, k) => b === head[30 + k])) {
    throw refuse('bad-local-header', 'localName', [label], e.name);
  }
  const dataOffset = e.localOffset + 30 + lNameLen + lExtraLen;
  if (dataOffset + e.compressedSize > e.limit) {
    if (!e.next) throw refuse('truncated', 'dataPastEnd', [label], e.name);
    throw refuse('overlapping-entries', 'overlap', [label, q(e.next)], e.next);
  }
  return dataOffset;
}

/** Slices read at once from the source. */
const SLICE = 1024 * 1024;
/** Room for a local header's extra field read together with the header. */
const EXTRA_ROOM = 256;

/**
 * Unpack one entry chunk by chunk into `sink`, never producing more than it
 * declared; checks its size and CRC-32 at the end. Returns where its data started.
 */
export async function readEntry(src: ByteSource, e: ZipEntry, sink: (chunk: Uint8Array) => void): Promise<number> {
  const label = q(e.name);
  const headLen = 30 + e.nameBytes.length + EXTRA_ROOM;
  // Small entries: header and data in one read.
  const first = await src.read(e.localOffset, Math.min(e.limit - e.localOffset, headLen + Math.min(e.compressedSize, SLICE)));
  const dataOffset = checkLocal(e, first);
  let pending = first.subarray(dataOffset - e.localOffset, dataOffset - e.localOffset + e.compressedSize);
  let at = dataOffset + pending.length;
  const end = dataOffset + e.compressedSize;
  /** The next slice of packed data, or null at the end. */
  const nextPacked = async (): Promise<Uint8Array | null> => {
    if (pending.length) {
      const out = pending;
      pending = new Uint8Array(0);
      return out;
    }
    if (at >= end) return null;
    const chunk = await src.read(at, Math.min(SLICE, end - at));
    if (!chunk.length) throw refuse('truncated', 'dataPastEnd', [label], e.name);
    at += chunk.length;
    return chunk;
  };

  let crc = 0;
  let produced = 0;
  if (e.method === 0) {
    for (let c = await nextPacked(); c; c = await nextPacked()) {
      crc = crc32(c, crc);
      produced += c.length;
      sink(c);
    }
  } else {
    let overflow = false;
    const out: Uint8Array[] = [];
    const inflate = new Inflate((chunk) => {
      if (overflow) return;
      if (produced + chunk.length > e.size) {
        overflow = true;
        return;
      }
      produced += chunk.length;
      out.push(chunk);
    });
    let pushed = 0;
    const push = (c: Uint8Array, final: boolean) => {
      try {
        inflate.push(c, final);
      } catch (err) {
        if (!overflow) throw refuse('corrupt-data', 'corrupt', [label, (err as Error).message], e.name);
      }
    };
    for (let c = await nextPacked(); c && !overflow; c = await nextPacked()) {
      pushed += c.length;
      // fflate inflates a pushed chunk at once: feed it in 64 KiB steps so a bomb stops early.
      for (let i = 0; i < c.length && !overflow; i += 65536) push(c.subarray(i, Math.min(c.length, i + 65536)), pushed === e.compressedSize && i + 65536 >= c.length);
      for (const o of out.splice(0)) {
        crc = crc32(o, crc);
        sink(o);
      }
    }
    if (e.compressedSize === 0) push(new Uint8Array(0), true);
    if (overflow) throw refuse('real-bomb', 'realBomb', [label, e.size], e.name);
    for (const o of out.splice(0)) {
      crc = crc32(o, crc);
      sink(o);
    }
  }
  if (produced !== e.size) throw refuse('size-mismatch', 'unpackedSize', [label, produced, e.size], e.name);
  if (crc !== e.crc) throw refuse('crc-mismatch', 'crc', [label], e.name);
  return dataOffset;
}

/** Bytes in memory: every entry with where its data starts (tests and tools that change bytes in place). */
export async function listEntries(bytes: Uint8Array): Promise<(ZipEntry & { dataOffset: number })[]> {
  const src = memorySource(bytes);
  const out = [];
  for (const e of await openZip(src)) out.push({ ...e, dataOffset: checkLocal(e, bytes.subarray(e.localOffset, e.localOffset + 30 + e.nameBytes.length + 0xffff)) });
  return out;
}

/** Every entry of bytes in memory, unpacked and checked (tests and tools). */
export async function unzipStrict(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const src = memorySource(bytes);
  const files = new Map<string, Uint8Array>();
  for (const e of await openZip(src)) {
    const parts: Uint8Array[] = [];
    await readEntry(src, e, (c) => parts.push(c));
    files.set(e.name, concatBytes(parts));
  }
  return files;
}

/** One array from a stream's chunks. */
export function concatBytes(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
