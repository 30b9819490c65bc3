/**
 * The one strict ZIP reader, for archives that may be hostile (Saqta bundles,
 * and WACZ files through the same API). It accepts an archive only when every
 * standard extractor would produce exactly the files it reports; the checks
 * that make it so are in ./checks.ts.
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
import { q } from './errors';
import { sliceYield } from './yield';
import { blobSource, concatBytes, memorySource, readAhead, type ByteSource } from './source';
import {
  CRC_TABLE, FLAG_DESCRIPTOR, LIMITS, SIG, checkEnd, checkLocal, checkStart, crc32, descriptorRoom, diskKey, findEocd, parseDirectory, pathProblem, refuse, u16,
  type OpenOptions, type ZipEntry,
} from './checks';

export { LIMITS, crc32, diskKey, pathProblem, blobSource, concatBytes, memorySource, readAhead };
export type { ByteSource, OpenOptions, ZipEntry };

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

