/**
 * The checks of the strict ZIP reader (./read.ts): what an archive must be for
 * every standard extractor — Info-ZIP `unzip`, Python's `zipfile`, streaming readers
 * that walk local headers — to produce exactly the files the reader reports:
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
 * Pure: bytes in, entries or a BundleError out (the reading is in ./read.ts).
 */
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

export const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

export const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator64: 0x07064b50, descriptor: 0x08074b50 };
/** Bit 3: CRC and sizes follow the data (data descriptor). Bit 11: the name is UTF-8. */
export const FLAG_DESCRIPTOR = 0x8;
const FLAG_UTF8 = 0x800;
/** Flags every tool reads alike: encrypted (refused on its own), deflate options, descriptor, UTF-8. */
const KNOWN_FLAGS = 0x1 | 0x2 | 0x4 | FLAG_DESCRIPTOR | FLAG_UTF8;
/** Extra fields that only carry times or owners (safe to ignore): extended timestamp, Info-ZIP Unix (old and new), NTFS times. */
const HARMLESS_EXTRA = new Set([0x5455, 0x5855, 0x7855, 0x7875, 0x000a]);

export const CRC_TABLE = (() => {
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

export const refuse = (code: BundleErrorCode, key: RefusalKey, args: (string | number)[] = [], file?: string) => new BundleError(code, key, args, file);

/** The first bytes and the size: is this a ZIP at all? */
export function checkStart(head: Uint8Array, size: number): void {
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
export function findEocd(tail: Uint8Array, tailStart: number, maxEntries: number): Eocd {
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
export async function parseDirectory(cd: Uint8Array, eocd: Eocd, opts: OpenOptions): Promise<ZipEntry[]> {
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


/** Check an entry's local header (`head` starts at its local offset); returns where its data starts. */
export function checkLocal(e: ZipEntry, head: Uint8Array): number {
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
export function checkEnd(e: ZipEntry, dataEnd: number, bytes: Uint8Array): void {
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
export const descriptorRoom = (e: ZipEntry, dataEnd: number) => (e.flags & FLAG_DESCRIPTOR ? Math.min(16, e.limit - dataEnd) : 0);
