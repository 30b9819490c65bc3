/** Where archive bytes come from: random access to a File or Blob by slices, or to bytes in memory. */

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

