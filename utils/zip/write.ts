/**
 * A ZIP written as a stream (fflate's streaming Zip), shared by the bundle and
 * the WACZ writers: each entry is hashed (incremental SHA-256, @noble/hashes)
 * while it is compressed, blobs are read chunk by chunk, and the bytes go to
 * `sink` as they are made, so the archive is never whole in memory here.
 *
 * Already-compressed data (PNG, JPEG, WebP, GIF, AVIF, WOFF/WOFF2, archives,
 * gzip, audio, video) is stored, not deflated again; everything else is
 * deflated by the platform's native zlib (`CompressionStream('deflate-raw')`,
 * in every supported browser and in Node) fed through fflate's ZipPassThrough
 * extension point. fflate's JS deflate (level 6, level 1 above 1 MiB) is the
 * fallback where the native stream is missing: it allocates ~160 KB of tables
 * per file, which made it most of an export's time.
 */
import { Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const UNIX = 3;
const REGULAR_FILE = (0o100644 << 16) >>> 0;

const STORED = /^(image\/(png|jpeg|webp|gif|avif)|font\/woff2?|application\/(zip|gzip|font-woff2?|x-font-woff)|video\/|audio\/)/i;

/** Deflate with the platform's zlib, as a ZIP entry (method 8) fflate's Zip can take. */
class NativeDeflate extends ZipPassThrough {
  private writer: WritableStreamDefaultWriter<BufferSource>;
  /** Settles when the last compressed chunk has been handed to the Zip. */
  readonly done: Promise<void>;
  constructor(name: string) {
    super(name);
    this.compression = 8;
    const stream = new CompressionStream('deflate-raw');
    this.writer = stream.writable.getWriter();
    const reader = (stream.readable as ReadableStream<Uint8Array>).getReader();
    this.done = (async () => {
      let prev: Uint8Array | null = null;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (prev) this.emit(prev, false);
        prev = value as Uint8Array;
      }
      this.emit(prev ?? new Uint8Array(0), true);
    })();
  }
  private emit(chunk: Uint8Array, final: boolean): void {
    (this.ondata as (err: null, data: Uint8Array, final: boolean) => void)(null, chunk, final);
  }
  override process(chunk: Uint8Array, final: boolean): void {
    void this.writer.write(chunk as BufferSource).catch(() => undefined);
    if (final) void this.writer.close().catch(() => undefined);
  }
  /** Backpressure: resolves when the compressor can take more. */
  ready(): Promise<void> {
    return this.writer.ready;
  }
}

const native = (() => {
  try {
    return typeof CompressionStream === 'function' && !!new CompressionStream('deflate-raw');
  } catch {
    return false;
  }
})();

function entryFor(path: string, mime: string, size: number): ZipInputFile & { push(chunk: Uint8Array, final?: boolean): void; mtime?: Date | number | string } {
  if (STORED.test(mime)) return new ZipPassThrough(path);
  if (native) return new NativeDeflate(path);
  return new ZipDeflate(path, { level: size > 1024 * 1024 ? 1 : 6 });
}
export class Cancelled extends Error {
  constructor() {
    super('Export cancelled.');
    this.name = 'AbortError';
  }
}

/** One entry as written: its path, size and hex SHA-256. */
export interface Written {
  path: string;
  bytes: number;
  sha256: string;
}

/** An entry being written chunk by chunk. */
interface OpenEntry {
  /** Bytes written so far (the next chunk's offset in the entry). */
  readonly size: number;
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<Written>;
}

export function zipStream(opts: { created: Date; signal?: AbortSignal }, sink: (chunk: Uint8Array) => void | Promise<void>) {
  let failure: Error | null = null;
  let pending: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) failure = err;
    else pending.push(data);
  });
  const flush = async () => {
    if (failure) throw failure;
    const out = pending;
    pending = [];
    for (const c of out) await sink(c);
  };
  /** Throws Cancelled (and drops the archive) once the signal is aborted. */
  const check = () => {
    if (opts.signal?.aborted) {
      zip.terminate();
      throw new Cancelled();
    }
  };

  /** A ZIP entry written chunk by chunk; `mime` decides stored or deflated. */
  function open(path: string, mime: string, size: number): OpenEntry {
    check();
    const file = entryFor(path, mime, size);
    file.mtime = opts.created;
    // "Made by Unix", a regular rw-r--r-- file (issue 25): fflate's default host is MS-DOS, and a DOS entry with the
    // UTF-8 flag and a non-ASCII name extracts under another name with Debian's unzip. fflate sets the UTF-8 flag on
    // every name that is not plain ASCII.
    file.os = UNIX;
    file.attrs = REGULAR_FILE;
    zip.add(file);
    const hash = sha256.create();
    let bytes = 0;
    let last: Uint8Array | null = null;
    const push = async (chunk: Uint8Array, final: boolean) => {
      hash.update(chunk);
      bytes += chunk.length;
      file.push(chunk, final);
      if (file instanceof NativeDeflate) {
        if (final) await file.done;
        else await file.ready();
      }
      await flush();
    };
    return {
      get size() {
        return bytes + (last?.length ?? 0);
      },
      async write(chunk: Uint8Array) {
        check();
        if (last) await push(last, false);
        last = chunk;
      },
      async close() {
        await push(last ?? new Uint8Array(0), true);
        return { path, bytes, sha256: bytesToHex(hash.digest()) };
      },
    };
  }

  /** A whole entry from a string, bytes or a Blob (read chunk by chunk). */
  async function add(path: string, data: Blob | Uint8Array | string, mime: string): Promise<Written> {
    const bytesOf = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    const f = open(path, mime, bytesOf instanceof Uint8Array ? bytesOf.length : bytesOf.size);
    if (bytesOf instanceof Uint8Array) await f.write(bytesOf);
    else {
      const reader = (bytesOf.stream() as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await f.write(value);
      }
    }
    return f.close();
  }

  /** The central directory and end record, then the last bytes to the sink. */
  async function end(): Promise<void> {
    check();
    zip.end();
    await flush();
  }

  return { open, add, end, check };
}
