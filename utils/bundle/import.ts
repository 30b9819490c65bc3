/**
 * Import a file the reader picked: a WACZ (utils/wacz/import.ts), an older Saqta bundle (.zip, read by slices from
 * the File, never whole in memory) or Web Annotation JSON-LD / Hypothesis JSON.
 * Progress has two phases: `check` (bytes of the archive read, inflated and
 * hashed) and `write` (records written); cancelling in either leaves the
 * library as it was.
 */
import type { SaqtaDB } from '../db';
import { BundleError } from './errors';
import { fromJsonLd } from './jsonld';
import { mergeIntoLibrary, type ImportSummary } from './merge';
import { Cancelled, parseBundle } from './read';
import { blobSource, memorySource, type ByteSource } from './zip-read';
import { importWacz } from '../wacz/import';
import { listArchive } from '../wacz/archive';
import { looksLikeWacz } from '../wacz/verify';

/** A .wacz (WARC files under archive/) rather than an older Saqta .zip bundle; a broken ZIP is left to the bundle reader's refusals. */
async function isWaczSource(src: ByteSource): Promise<boolean> {
  try {
    return looksLikeWacz((await listArchive(src)).map((e) => e.name));
  } catch {
    return false;
  }
}

export const MAX_JSON_IMPORT = 256 * 1024 * 1024;

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?(phase: 'check' | 'write', done: number, total: number): void;
}

export async function importSource(db: SaqtaDB, src: ByteSource, opts: ImportOptions = {}): Promise<ImportSummary> {
  const head = new TextDecoder().decode(await src.read(0, 64)).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    if (src.size > MAX_JSON_IMPORT) throw new BundleError('too-large', 'jsonTooLarge');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await src.read(0, src.size));
    } catch {
      throw new BundleError('annotations-json', 'textNotUtf8');
    }
    if (opts.signal?.aborted) throw new Cancelled();
    return mergeIntoLibrary(db, [], fromJsonLd(text), { signal: opts.signal, onProgress: (d, t) => opts.onProgress?.('write', d, t) });
  }
  if (await isWaczSource(src)) return importWacz(db, src, opts);
  const parsed = await parseBundle(src, { signal: opts.signal, onProgress: (d, t) => opts.onProgress?.('check', d, t) });
  return mergeIntoLibrary(db, parsed.articles, parsed.claims, { signal: opts.signal, onProgress: (d, t) => opts.onProgress?.('write', d, t) });
}

/** The library page: a picked File. */
export function importFile(db: SaqtaDB, file: Blob, opts?: ImportOptions): Promise<ImportSummary> {
  return importSource(db, blobSource(file), opts);
}

/** Bytes in memory (tests, tools). */
export function importBytes(db: SaqtaDB, bytes: Uint8Array, opts?: ImportOptions): Promise<ImportSummary> {
  return importSource(db, memorySource(bytes), opts);
}
