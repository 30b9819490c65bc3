/**
 * The one strict ZIP reader, for archives that may be hostile (Saqta bundles,
 * and WACZ files through the same API). It accepts an archive only when every
 * standard extractor — Info-ZIP `unzip`, Python's `zipfile`, streaming readers
 * that walk local headers — would produce exactly the files it reports:
 *
 * - the end record is the last thing in the file (a comment must reach the
 *   end exactly), no ZIP64 end record or locator, one disk;
 * - the central directory sits right before the end record and its records
 *   fill exactly its stated size and count (no hidden record);
 * - names are safe relative paths, UTF-8 flagged unless plain ASCII, and no
 *   two are equal after Unicode normalization (NFKC) and case folding, and no
 *   name is both a file and a folder;
 * - entries are regular files (no symlinks or devices in the Unix mode bits),
 *   or, when the caller allows it, empty folder entries;
 * - no extra field that changes how a tool reads the entry (ZIP64, Unicode
 *   path), only timestamps and owner ids;
 * - every local header agrees with its central record (name, flags, method,
 *   and CRC and sizes, or zero with a data descriptor that agrees), the first
 *   entry starts at byte 0 and each ends (data + descriptor) exactly where
 *   the next starts, the last where the directory starts: no byte belongs to
 *   two entries or to none;
 * - a stored entry whose sizes are in a data descriptor holds no false
 *   descriptor a streaming reader would stop at;
 * plus the limits against bombs (declared size, ratio, real inflated size).
 *
 * It reads through a `ByteSource` (a File/Blob read by slices, a Node file,
 * bytes in memory), so an archive is never whole in memory: the tail and the
 * central directory first (`openZip`), then each entry's local header and
 * data by slices (`readEntry`, `entryStream`), or only the local headers
 * (`checkLayout`) for callers that read some entries or byte ranges of
 * stored ones (`readStoredRange`).
 * Pure: bytes in, entries or a BundleError out.
 */
import { Inflate, inflateSync } from 'fflate';
import { BundleError, q, type BundleErrorCode, type RefusalKey } from './errors';
import { sliceYield } from './yield';

export const LIMITS = {
  /** Largest bundle file accepted. */
  bundleBytes: 2 * 1024 ** 3,
  /**
   * Most entries: 10,000 articles as a real library holds them (each a page
   * record and a reader copy; one in ten saved, each save with its record, the
   * article, snapshot, source, screenshot and ~5 images: 10 files) is
   * 10,000 × 2 + 1,000 × 10 + 4 ≈ 30,000; the cap leaves a third more room.
   */
  entries: 40_000,
  /** Most article folders in one bundle. */
  articles: 10_000,
  /** Largest single file, uncompressed. */
  fileBytes: 512 * 1024 ** 2,
  /** All files together, uncompressed. */
  totalBytes: 3 * 1024 ** 3,
  /** Compression ratio above which a large entry is a bomb. */
  ratio: 100,
  /** Entries smaller than this may have any ratio (tiny files compress well). */
  ratioFloor: 1024 * 1024,
  nameBytes: 512,
  /** Largest central directory read (the entry cap × (46 + 512 bytes and some extra)). */
  directoryBytes: 32 * 1024 ** 2,
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
      buf = await src.read(offset, Math.max(length, Math.min(window, Math.max(this.until, offset + length) - offset)));
      start = offset;
      return buf.subarray(0, length);
    },
  };
}

export interface ZipEntry {
  /** The path as every tool will name it (a folder entry ends with "/"). */
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  localOffset: number;
  /** Where the next entry's local header (or the central directory) starts: the entry ends exactly there. */
  limit: number;
  /** The entry that starts at `limit`, if any (for the overlap message). */
  next?: string;
  nameBytes: Uint8Array;
  /** An empty folder entry (only with `allowFolders`). */
  folder: boolean;
}

export interface OpenOptions {
  /** Accept empty folder entries ("dir/") — WACZ writers make them; Saqta bundles never do. */
  allowFolders?: boolean;
  /** Entry cap (default LIMITS.entries). */
  maxEntries?: number;
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator64: 0x07064b50, descriptor: 0x08074b50 };
/** Bit 3: CRC and sizes follow the data (data descriptor). Bit 11: the name is UTF-8. */
const FLAG_DESCRIPTOR = 0x8;
const FLAG_UTF8 = 0x800;
/** Flags every tool reads alike: encrypted (refused on its own), deflate options, descriptor, UTF-8. */
const KNOWN_FLAGS = 0x1 | 0x2 | 0x4 | FLAG_DESCRIPTOR | FLAG_UTF8;
/** Extra fields that only carry times or owners (safe to ignore): extended timestamp, Info-ZIP Unix (old and new), NTFS times. */
const HARMLESS_EXTRA = new Set([0x5455, 0x5855, 0x7855, 0x7875, 0x000a]);

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

/**
 * The name a case-insensitive, normalizing disk (macOS, Windows) would store:
 * NFKC, full case folding (upper then lower: "ß" and "SS" agree), and each
 * segment without the trailing dots and spaces Windows drops.
 */
export function diskKey(name: string): string {
  return name
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC')
    .split('/')
    .map((s) => s.replace(/[. ]+$/, ''))
    .join('/');
}

const refuse = (code: BundleErrorCode, key: RefusalKey, args: (string | number)[] = [], file?: string) => new BundleError(code, key, args, file);

/** The first bytes and the size: is this a ZIP at all? */
function checkStart(head: Uint8Array, size: number): void {
  if (size === 0) throw refuse('empty', 'empty');
  if (size > LIMITS.bundleBytes) throw refuse('too-large', 'tooLarge', [size, LIMITS.bundleBytes]);
  if (size < 22 || (u32(head, 0) !== SIG.local && u32(head, 0) !== SIG.end)) throw refuse('not-zip', 'notZip');
}

interface Eocd {
  count: number;
  cdSize: number;
  cdOffset: number;
  /** Offset of the end record in the file. */
  at: number;
}

/** Find and check the end of central directory record in the file's last bytes (`tail` starts at `tailStart`). */
function findEocd(tail: Uint8Array, tailStart: number, maxEntries: number): Eocd {
  // The end record must end the file: its comment (if any) reaches the last byte exactly.
  let i = tail.length - 22;
  for (; i >= 0; i--) if (u32(tail, i) === SIG.end && i + 22 + u16(tail, i + 20) === tail.length) break;
  if (i < 0) {
    for (let k = tail.length - 22; k >= 0; k--) if (u32(tail, k) === SIG.end) throw refuse('ambiguous-archive', 'trailingData', [tail.length - k - 22 - u16(tail, k + 20)]);
    throw refuse('truncated', 'noEnd');
  }
  // A second end record inside the comment: tools that search for the last signature could take either.
  for (let k = i + 22; k + 4 <= tail.length; k++) if (u32(tail, k) === SIG.end) throw refuse('ambiguous-archive', 'trailingData', [tail.length - i - 22]);
  const disk = u16(tail, i + 4);
  const cdDisk = u16(tail, i + 6);
  const countHere = u16(tail, i + 8);
  const count = u16(tail, i + 10);
  const cdSize = u32(tail, i + 12);
  const cdOffset = u32(tail, i + 16);
  // A ZIP64 locator before the end record makes Python and unzip read the ZIP64 record instead.
  if (i >= 20 && u32(tail, i - 20) === SIG.locator64) throw refuse('zip64', 'zip64Locator');
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw refuse('zip64', 'zip64');
  if (disk !== 0 || cdDisk !== 0 || countHere !== count) throw refuse('multi-disk', 'multiDisk');
  if (count > maxEntries) throw refuse('too-many-entries', 'tooManyEntries', [count, maxEntries]);
  const at = tailStart + i;
  if (cdOffset + cdSize > at || cdSize > LIMITS.directoryBytes) throw refuse('truncated', 'directoryOutside');
  // Bytes between the directory and the end record: a ZIP64 record, or a shift that tools resolve differently.
  if (cdOffset + cdSize !== at) throw refuse('ambiguous-archive', 'directoryGap', [at - cdOffset - cdSize]);
  return { count, cdSize, cdOffset, at };
}

/** Walk an extra field block: well-formed, and only harmless fields. */
function checkExtra(extra: Uint8Array, label: string, name: string): void {
  let p = 0;
  while (p < extra.length) {
    if (p + 4 > extra.length) throw refuse('ambiguous-archive', 'extraDamaged', [label], name);
    const id = u16(extra, p);
    const len = u16(extra, p + 2);
    if (p + 4 + len > extra.length) throw refuse('ambiguous-archive', 'extraDamaged', [label], name);
    if (id === 0x0001) throw refuse('zip64', 'zip64Entry', [label], name);
    if (!HARMLESS_EXTRA.has(id)) throw refuse('ambiguous-archive', 'extraField', [label, `0x${id.toString(16).padStart(4, '0')}`], name);
    p += 4 + len;
  }
}

/** Unix file type in the external attributes (when a Unix tool made the entry). */
function unixType(versionMadeBy: number, external: number): number {
  return versionMadeBy >> 8 === 3 || external >>> 16 ? (external >>> 16) & 0xf000 : 0;
}

/** Read and check the central directory (`cd` holds its bytes); yields to the page every few ms (40,000 records take ~0.4 s). */
async function parseDirectory(cd: Uint8Array, eocd: Eocd, opts: OpenOptions): Promise<ZipEntry[]> {
  const turn = sliceYield();
  const entries: ZipEntry[] = [];
  const seen = new Map<string, string>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let total = 0;
  let p = 0;
  for (let i = 0; i < eocd.count; i++) {
    if (i % 256 === 0) await turn();
    if (p + 46 > cd.length || u32(cd, p) !== SIG.central) throw refuse('truncated', 'entryDamaged', [i + 1]);
    const madeBy = u16(cd, p + 4);
    const needed = u16(cd, p + 6);
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc = u32(cd, p + 16);
    const compressedSize = u32(cd, p + 20);
    const size = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    const diskStart = u16(cd, p + 34);
    const external = u32(cd, p + 38);
    const localOffset = u32(cd, p + 42);
    if (nameLen > LIMITS.nameBytes) throw refuse('bad-name', 'nameTooLong', [i + 1, nameLen]);
    if (p + 46 + nameLen + extraLen + commentLen > cd.length) throw refuse('truncated', 'entryDamaged', [i + 1]);
    const nameBytes = cd.slice(p + 46, p + 46 + nameLen);
    let name: string;
    try {
      name = decoder.decode(nameBytes);
    } catch {
      throw refuse('bad-name', 'nameNotUtf8', [i + 1]);
    }
    const label = q(name);
    // Without the UTF-8 flag, unzip and Python read a name as CP437: only plain ASCII reads the same.
    if (!(flags & FLAG_UTF8) && nameBytes.some((b) => b > 0x7e)) throw refuse('bad-name', 'nameNotFlagged', [label], name);
    // Made by MS-DOS with the UTF-8 flag: Debian's unzip reads such a non-ASCII name in the DOS code page anyway.
    if (flags & FLAG_UTF8 && madeBy >> 8 === 0 && nameBytes.some((b) => b > 0x7e)) throw refuse('bad-name', 'nameDosUtf8', [label], name);
    const folder = !!opts.allowFolders && name.endsWith('/') && !name.endsWith('//');
    const problem = pathProblem(folder ? name.slice(0, -1) : name);
    if (problem) throw refuse(problem.code, problem.key, [label], name);
    if (flags & 1) throw refuse('encrypted', 'encrypted', [label], name);
    if (flags & ~KNOWN_FLAGS) throw refuse('ambiguous-archive', 'flagsUnknown', [label, `0x${flags.toString(16)}`], name);
    if (needed > 45) throw refuse('unsupported-method', 'versionNeeded', [label, `${needed >> 8 ? `${needed >> 8}/` : ''}${(needed & 0xff) / 10}`], name);
    const type = unixType(madeBy, external);
    if (type !== 0 && type !== (folder ? 0x4000 : 0x8000)) throw refuse('special-file', type === 0xa000 ? 'symlink' : 'specialFile', [label], name);
    if (!folder && external & 0x10 && madeBy >> 8 === 0) throw refuse('special-file', 'specialFile', [label], name);
    if (folder && (size !== 0 || compressedSize !== 0)) throw refuse('directory-entry', 'folderWithData', [label], name);
    const key = diskKey(folder ? name.slice(0, -1) : name);
    const clash = seen.get(key);
    if (clash !== undefined) {
      if (clash === name) throw refuse('duplicate-entry', 'duplicate', [label], name);
      throw refuse('name-clash', 'nameClash', [q(clash), label], name);
    }
    seen.set(key, name);
    if (method !== 0 && method !== 8) throw refuse('unsupported-method', 'method', [label, method], name);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff || diskStart === 0xffff) throw refuse('zip64', 'zip64Entry', [label], name);
    if (diskStart !== 0) throw refuse('multi-disk', 'multiDisk', [], name);
    checkExtra(cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), label, name);
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
    entries.push({ name, method, flags, crc, compressedSize, size, localOffset, limit: eocd.cdOffset, nameBytes, folder });
    p += 46 + nameLen + extraLen + commentLen;
  }
  // The counted records must fill the stated size exactly: unzip and Python read records past the count.
  if (p !== cd.length) throw refuse('ambiguous-archive', 'directoryHidden', [eocd.count, cd.length - p]);
  // A name may not be both a file and a folder ("a" and "a/b"): no tool can unpack both.
  let k = 0;
  for (const [key, name] of seen) {
    if (++k % 1024 === 0) await turn();
    for (let s = key.indexOf('/'); s > 0; s = key.indexOf('/', s + 1)) {
      const parent = seen.get(key.slice(0, s));
      if (parent !== undefined && !parent.endsWith('/')) throw refuse('name-clash', 'fileFolderClash', [q(parent), q(name)], name);
    }
  }
  // Entries may not share bytes (a classic way to multiply a small archive) nor leave bytes to none.
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  if (byOffset.length && byOffset[0]!.localOffset !== 0) throw refuse('ambiguous-archive', 'gap', [byOffset[0]!.localOffset, q(byOffset[0]!.name)], byOffset[0]!.name);
  if (!byOffset.length && eocd.cdOffset !== 0) throw refuse('ambiguous-archive', 'gap', [eocd.cdOffset, '(the directory)']);
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

/** Read and check the central directory through a source: the tail, then the directory. Throws BundleError. */
export async function openZip(src: ByteSource, opts: OpenOptions = {}): Promise<ZipEntry[]> {
  const size = src.size;
  checkStart(size > 0 && size <= LIMITS.bundleBytes ? await src.read(0, 4) : new Uint8Array(4), size);
  const tailStart = Math.max(0, size - 22 - 0xffff);
  const tail = await src.read(tailStart, size - tailStart);
  const eocd = findEocd(tail, tailStart, opts.maxEntries ?? LIMITS.entries);
  const cd = eocd.cdOffset >= tailStart ? tail.subarray(eocd.cdOffset - tailStart, eocd.cdOffset - tailStart + eocd.cdSize) : await src.read(eocd.cdOffset, eocd.cdSize);
  return await parseDirectory(cd, eocd, opts);
}

/** Check an entry's local header (`head` starts at its local offset); returns where its data starts. */
function checkLocal(e: ZipEntry, head: Uint8Array): number {
  const label = q(e.name);
  if (head.length < 30 || u32(head, 0) !== SIG.local) throw refuse('bad-local-header', 'localMissing', [label], e.name);
  const lNeeded = u16(head, 4);
  const lFlags = u16(head, 6);
  const lMethod = u16(head, 8);
  const lCrc = u32(head, 14);
  const lCompressed = u32(head, 18);
  const lSize = u32(head, 22);
  const lNameLen = u16(head, 26);
  const lExtraLen = u16(head, 28);
  if (lNameLen !== e.nameBytes.length || head.length < 30 + lNameLen || !e.nameBytes.every((b, k) => b === head[30 + k])) {
    throw refuse('bad-local-header', 'localName', [label], e.name);
  }
  const differs = (field: string) => refuse('bad-local-header', 'localDiffers', [label, field], e.name);
  if (lFlags !== e.flags) throw differs('flags');
  if (lNeeded > 45) throw refuse('unsupported-method', 'versionNeeded', [label, `${lNeeded >> 8 ? `${lNeeded >> 8}/` : ''}${(lNeeded & 0xff) / 10}`], e.name);
  if (lMethod !== e.method) throw differs('compression method');
  // With a data descriptor the local fields may be zero (a streaming writer did not know them yet); otherwise they must agree.
  const zeros = lCrc === 0 && lCompressed === 0 && lSize === 0;
  if (!(e.flags & FLAG_DESCRIPTOR && zeros)) {
    if (lCrc !== e.crc) throw differs('CRC-32');
    if (lCompressed !== e.compressedSize) throw differs('packed size');
    if (lSize !== e.size) throw differs('size');
  }
  if (head.length < 30 + lNameLen + lExtraLen) throw refuse('bad-local-header', 'localMissing', [label], e.name);
  checkExtra(head.subarray(30 + lNameLen, 30 + lNameLen + lExtraLen), label, e.name);
  const dataOffset = e.localOffset + 30 + lNameLen + lExtraLen;
  if (dataOffset + e.compressedSize > e.limit) {
    if (!e.next) throw refuse('truncated', 'dataPastEnd', [label], e.name);
    throw refuse('overlapping-entries', 'overlap', [label, q(e.next)], e.next);
  }
  return dataOffset;
}

/**
 * The data descriptor after an entry's data (`bytes` starts right after the
 * data): it must agree with the central record, and the entry must end
 * exactly where the next one starts.
 */
function checkEnd(e: ZipEntry, dataEnd: number, bytes: Uint8Array): void {
  const label = q(e.name);
  let used = 0;
  if (e.flags & FLAG_DESCRIPTOR) {
    const agree = (o: number) => bytes.length >= o + 12 && u32(bytes, o) === e.crc && u32(bytes, o + 4) === e.compressedSize && u32(bytes, o + 8) === e.size;
    if (bytes.length >= 16 && u32(bytes, 0) === SIG.descriptor && agree(4)) used = 16;
    else if (agree(0)) used = 12;
    else throw refuse('bad-local-header', 'descriptorDiffers', [label], e.name);
  }
  if (dataEnd + used !== e.limit) {
    throw refuse('ambiguous-archive', 'gap', [e.limit - dataEnd - used, label], e.name);
  }
}

/** Bytes to read after an entry's data for its descriptor. */
const descriptorRoom = (e: ZipEntry, dataEnd: number) => (e.flags & FLAG_DESCRIPTOR ? Math.min(16, e.limit - dataEnd) : 0);

/** Large entries give the page a turn every 30 ms while they are inflated and hashed. */
const entryTurn = sliceYield();

/** Slices read at once from the source. */
const SLICE = 1024 * 1024;
/** Room for a local header's extra field read together with the header. */
const EXTRA_ROOM = 256;

/** Read and check an entry's local header; returns where its data starts (and the bytes read, which may hold data). */
async function openLocal(src: ByteSource, e: ZipEntry, dataWanted: number): Promise<{ dataOffset: number; first: Uint8Array }> {
  const headLen = 30 + e.nameBytes.length + EXTRA_ROOM;
  let first = await src.read(e.localOffset, Math.min(e.limit - e.localOffset, headLen + dataWanted));
  if (first.length >= 30 && 30 + u16(first, 26) + u16(first, 28) > first.length) {
    // A long extra field: read the header whole.
    first = await src.read(e.localOffset, Math.min(e.limit - e.localOffset, 30 + u16(first, 26) + u16(first, 28) + dataWanted));
  }
  return { dataOffset: checkLocal(e, first), first };
}

/**
 * A streaming reader stops a stored entry whose sizes are in a descriptor at
 * the first "PK\x07\x08" followed by the CRC and sizes of the bytes before it.
 * Watches a stored entry's bytes for such a false end; computes the CRC-32
 * as it goes (byte by byte, as `crc32` does), keeping the CRC of the bytes
 * before each of the last four positions.
 */
class FalseEndWatch {
  private c = 0xffffffff;
  private pos = 0;
  private win = 0;
  /** CRC (finalized) of the bytes before position pos-k, k = 0..3. */
  private ring = [0, 0, 0, 0];
  private open: { at: number; crc: number; got: number[] }[] = [];
  constructor(private readonly label: string, private readonly name: string) {}
  push(chunk: Uint8Array): void {
    let c = this.c;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.open.length) this.feed(b);
      this.ring[this.pos & 3] = ~c >>> 0;
      c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
      this.win = ((this.win >>> 8) | (b << 24)) >>> 0;
      this.pos++;
      // The window holds the last four bytes: "PK\x07\x08" read little-endian.
      if (this.win === SIG.descriptor && this.pos >= 4) this.open.push({ at: this.pos - 4, crc: this.ring[(this.pos - 4) & 3]!, got: [] });
    }
    this.c = c;
  }
  get crc(): number {
    return ~this.c >>> 0;
  }
  private feed(b: number): void {
    for (const o of this.open) o.got.push(b);
    const done = this.open.filter((o) => o.got.length === 12);
    if (!done.length) return;
    this.open = this.open.filter((o) => o.got.length < 12);
    for (const o of done) {
      const v = (k: number) => (o.got[k]! | (o.got[k + 1]! << 8) | (o.got[k + 2]! << 16) | (o.got[k + 3]! << 24)) >>> 0;
      if (v(0) === o.crc && v(4) === o.at && v(8) === o.at) throw refuse('ambiguous-archive', 'falseEnd', [this.label, o.at], this.name);
    }
  }
}

/** Small deflated entries (packed and declared sizes) are inflated whole, not streamed. */
const WHOLE_PACKED = 64 * 1024;
const WHOLE_SIZE = 1024 * 1024;

/**
 * Inflate a small entry's packed bytes at once into a buffer one byte longer
 * than its declared size (fflate's streaming Inflate grows and copies its
 * buffers, most of a WACZ check's time on thousands of small entries). Null
 * when anything is unusual — corrupt data, more bytes than declared — so the
 * streaming path below meets it and refuses it exactly as it always did; the
 * work is bounded as there (64 KiB packed at most, as one streaming step).
 */
function inflateWhole(packed: Uint8Array, size: number): Uint8Array | null {
  try {
    const out = inflateSync(packed, { out: new Uint8Array(size + 1) });
    return out.length <= size ? out : null;
  } catch {
    return null;
  }
}

/**
 * Unpack one entry chunk by chunk into `sink`, never producing more than it
 * declared; checks its local header, size, CRC-32, data descriptor and that it
 * ends where the next entry starts. Returns where its data started.
 */
export async function readEntry(src: ByteSource, e: ZipEntry, sink: (chunk: Uint8Array) => void): Promise<number> {
  const label = q(e.name);
  const turn = entryTurn;
  // Small entries: header, data and descriptor in one read.
  const { dataOffset, first } = await openLocal(src, e, Math.min(e.compressedSize + 16, SLICE));
  let pending = first.subarray(dataOffset - e.localOffset, dataOffset - e.localOffset + e.compressedSize);
  const afterData = first.subarray(dataOffset - e.localOffset + e.compressedSize);
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
  let whole: Uint8Array | null = null;
  if (e.method === 0) {
    const watch = e.flags & FLAG_DESCRIPTOR ? new FalseEndWatch(label, e.name) : null;
    for (let c = await nextPacked(); c; c = await nextPacked()) {
      if (watch) watch.push(c);
      else crc = crc32(c, crc);
      produced += c.length;
      sink(c);
      await turn();
    }
    if (watch) crc = watch.crc;
  } else if (pending.length === e.compressedSize && e.compressedSize <= WHOLE_PACKED && e.size <= WHOLE_SIZE && (whole = inflateWhole(pending, e.size))) {
    // A small entry already read whole: inflated at once into a buffer of its declared size.
    pending = new Uint8Array(0);
    crc = crc32(whole, crc);
    produced = whole.length;
    sink(whole);
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
      // fflate inflates a pushed chunk at once: feed it in 64 KiB steps so a bomb stops early, and the page gets its turns.
      for (let i = 0; i < c.length && !overflow; i += 65536) {
        push(c.subarray(i, Math.min(c.length, i + 65536)), pushed === e.compressedSize && i + 65536 >= c.length);
        for (const o of out.splice(0)) {
          crc = crc32(o, crc);
          sink(o);
        }
        await turn();
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
  const room = descriptorRoom(e, end);
  checkEnd(e, end, afterData.length >= room ? afterData.subarray(0, room) : await src.read(end, room));
  return dataOffset;
}

/** One entry as a stream of its unpacked bytes (checked as `readEntry` does; an error fails the stream). */
export function entryStream(src: ByteSource, e: ZipEntry): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        await readEntry(src, e, (c) => controller.enqueue(c.slice()));
        controller.close();
      } catch (err) {
        controller.error(err);
      }
    },
  });
}

/** One entry's unpacked bytes, checked. */
export async function readEntryBytes(src: ByteSource, e: ZipEntry): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await readEntry(src, e, (c) => parts.push(c.slice()));
  return concatBytes(parts);
}

/**
 * Check every entry's local header and descriptor against the directory, and
 * that entries tile the archive, without reading their data: for callers that
 * then read only some entries, or ranges of stored ones (WACZ).
 * Returns each entry's data offset by name.
 */
export async function checkLayout(src: ByteSource, entries: ZipEntry[]): Promise<Map<string, number>> {
  const ahead = readAhead(src, 64 * 1024);
  const out = new Map<string, number>();
  for (const e of [...entries].sort((a, b) => a.localOffset - b.localOffset)) {
    const { dataOffset } = await openLocal(ahead, e, 0);
    const end = dataOffset + e.compressedSize;
    checkEnd(e, end, await ahead.read(end, descriptorRoom(e, end)));
    out.set(e.name, dataOffset);
  }
  return out;
}

/**
 * Bytes `start`…`start + length` of a STORED entry, straight from the archive
 * (no inflating, no CRC: check the entry once with `readEntry` when the
 * bytes must be proven, or rely on a hash the caller checks).
 */
export async function readStoredRange(src: ByteSource, e: ZipEntry, start: number, length: number, dataOffset?: number): Promise<Uint8Array> {
  if (e.method !== 0) throw new RangeError(`${e.name} is compressed: byte ranges need a stored entry`);
  if (start < 0 || length < 0 || start + length > e.size) throw new RangeError(`${start}+${length} is outside ${e.name} (${e.size} bytes)`);
  const at = dataOffset ?? (await openLocal(src, e, 0)).dataOffset;
  return src.read(at + start, length);
}

/** Bytes in memory: every entry with where its data starts (tests and tools that change bytes in place). */
export async function listEntries(bytes: Uint8Array, opts?: OpenOptions): Promise<(ZipEntry & { dataOffset: number })[]> {
  const src = memorySource(bytes);
  const entries = await openZip(src, opts);
  const offsets = await checkLayout(src, entries);
  return entries.map((e) => ({ ...e, dataOffset: offsets.get(e.name)! }));
}

/** Every entry of bytes in memory, unpacked and checked (tests and tools). */
export async function unzipStrict(bytes: Uint8Array, opts?: OpenOptions): Promise<Map<string, Uint8Array>> {
  const src = memorySource(bytes);
  const files = new Map<string, Uint8Array>();
  for (const e of await openZip(src, opts)) files.set(e.name, await readEntryBytes(src, e));
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
