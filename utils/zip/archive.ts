/**
 * Archives by entry, as the WACZ code and the import dispatcher read them
 * (through the strict reader, ./read.ts): list the entries, stream one
 * entry's bytes (size and CRC-32 checked), and read a STORED entry's bytes by
 * range, as replay tools do.
 */
import { checkLayout, openZip, readEntry, type ByteSource, type ZipEntry } from './read';

export type { ByteSource };

export interface ArchiveEntry {
  name: string;
  /** Unpacked size. */
  size: number;
  /** 0 stored, 8 deflated. */
  method: number;
  /** Offset of the entry's local header (archive order). */
  at: number;
  raw: ZipEntry;
}

export async function listArchive(src: ByteSource): Promise<ArchiveEntry[]> {
  // The strict reader: the directory, then every local header against it (entries tile the archive),
  // so a WACZ is accepted only when every extractor would unpack the same files.
  const entries = await openZip(src);
  await checkLayout(src, entries);
  return entries.map((e) => ({ name: e.name, size: e.size, method: e.method, at: e.localOffset, raw: e }));
}

/** Stream an entry; resolves with where its data starts in the archive. */
export function streamEntry(src: ByteSource, e: ArchiveEntry, sink: (chunk: Uint8Array) => void): Promise<number> {
  return readEntry(src, e.raw, sink);
}

/** A stored entry's bytes as a source of their own (ranges, as replay reads them). */
export function storedRange(src: ByteSource, e: ArchiveEntry, dataOffset: number): ByteSource {
  return {
    size: e.size,
    read: (offset, length) => src.read(dataOffset + offset, Math.max(0, Math.min(length, e.size - offset))),
  };
}
