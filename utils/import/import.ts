/**
 * Import a file the reader picked: a WACZ (./wacz.ts), an older Saqta bundle (.zip, read by slices from
 * the File, never whole in memory) or Web Annotation JSON-LD / Hypothesis JSON.
 * Progress has two phases: `check` (bytes of the archive read, inflated and
 * hashed) and `write` (records written); cancelling in either leaves the
 * library as it was.
 */
import type { SaqtaDB } from '../db';
import { BundleError, type BundleErrorCode, type RefusalKey } from '../zip/errors';
import { fromJsonLd } from '../export/jsonld';
import { mergeIntoLibrary, type ImportSummary } from '../bundle/merge';
import { Cancelled, parseBundle, sha256Hex, type ParsedBundle } from '../bundle/read';
import { type ImportNote, type ParsedArticle } from '../export/records';
import { cleanSavedHtml } from '../extract/clean-html';
import { sliceYield } from '../zip/yield';
import { blobSource, memorySource, type ByteSource } from '../zip/read';
import { readWaczForImport } from './wacz';
import type { ImportOptions } from './options';

import { keepChecks, verifyChain } from '../watch/chain';
import { refusal } from '../wacz/saqta';
import { listArchive, type ArchiveEntry } from '../zip/archive';
import { looksLikeWacz } from '../wacz/verify';
import { knownBlob } from '../lock/envelope';

/**
 * A .wacz (WARC files under archive/) rather than an older Saqta .zip bundle: its checked listing, handed
 * to the WACZ reader so the archive is not listed twice; null for a bundle, and a broken ZIP is left
 * to the bundle reader's refusals.
 */
async function waczEntries(src: ByteSource): Promise<ArchiveEntry[] | null> {
  try {
    const entries = await listArchive(src);
    return looksLikeWacz(entries.map((e) => e.name)) ? entries : null;
  } catch {
    return null;
  }
}

/** As Blob.text() decodes: UTF-8, bad bytes replaced, a BOM dropped. */
const utf8 = new TextDecoder();

export const MAX_JSON_IMPORT = 256 * 1024 * 1024;


/** What the check hands the import: articles with their artifacts, claims, notes. */
export type ParsedParts = Pick<ParsedBundle, 'articles' | 'claims' | 'notes'>;

/** Messages from the parse worker (entrypoints/library/parse-worker.ts). */
export type WorkerReply =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; parsed: ParsedParts }
  | { type: 'error'; error: { code: BundleErrorCode; key: RefusalKey; args: string[]; file?: string; prefixed: boolean } | { message: string } };

/** Check a bundle in a worker: the page's main thread only renders progress. Terminated on cancel. */
export function parseInWorker(start: () => Worker, file: Blob, opts: ImportOptions): Promise<ParsedParts> {
  return new Promise((resolve, reject) => {
    const w = start();
    const stop = () => {
      w.terminate();
      reject(new Cancelled());
    };
    if (opts.signal?.aborted) return stop();
    opts.signal?.addEventListener('abort', stop, { once: true });
    const end = () => {
      opts.signal?.removeEventListener('abort', stop);
      w.terminate();
    };
    w.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const m = ev.data;
      if (m.type === 'progress') return opts.onProgress?.('check', m.done, m.total);
      end();
      if (m.type === 'done') resolve(m.parsed);
      else if ('code' in m.error) reject(new BundleError(m.error.code, m.error.key, m.error.args, m.error.file, m.error.prefixed));
      else reject(new Error(m.error.message));
    };
    w.onerror = (ev) => {
      end();
      reject(new Error(ev.message || 'The import worker failed.'));
    };
    w.postMessage(file);
  });
}

/** The window to sanitize with: the caller's, else the page's; never skipped. */
function domOf(opts: ImportOptions): Window & typeof globalThis {
  const win = opts.window ?? (typeof window !== 'undefined' && typeof window.DOMParser === 'function' ? window : undefined);
  if (!win) throw new Error('Importing a bundle needs a DOM to sanitize its saved HTML (pass ImportOptions.window).');
  return win;
}

export async function importSource(db: SaqtaDB, src: ByteSource, opts: ImportOptions = {}, file?: Blob): Promise<ImportSummary> {
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
  const win = domOf(opts);
  const entries = await waczEntries(src);
  if (entries) {
    // A WACZ's saved pages are no more trusted than a bundle's: the same cleaning, then the same merge.
    // Kept byte for byte (its hashes and proofs stay true): what is dangerous is noted here and cleaned when shown.
    const { articles, claims, evidence } = await readWaczForImport(src, opts, entries);
    return { ...(await cleanAndMerge(db, articles, claims, [], win, opts, true)), evidence };
  }
  const parsed: ParsedParts = file && opts.worker
    ? await parseInWorker(opts.worker, file, opts)
    : await parseBundle(src, { signal: opts.signal, onProgress: (d, t) => opts.onProgress?.('check', d, t) });
  // A bundle carries no signature (issue 24): its captures' evidence sheets say NOT SIGNED.
  for (const a of parsed.articles) for (const c of a.captures) c.record.imported = { signature: 'unsigned' };
  return cleanAndMerge(db, parsed.articles, parsed.claims, parsed.notes, win, opts);
}

/** Sanitize the checked archive's saved HTML, then merge it in one transaction (bundles and WACZ alike). */
async function cleanAndMerge(db: SaqtaDB, articles: ParsedArticle[], claims: ParsedParts['claims'], notesSoFar: ImportNote[], win: Window & typeof globalThis, opts: ImportOptions, keepBytes = false): Promise<ImportSummary> {
  const cleaned = await cleanArticles(articles, win, opts.signal, keepBytes);
  // A capture the library already has is skipped by the merge: its cleaned copy is not written, so no note for it.
  const known = new Set((await db.captures.bulkGet([...new Set(cleaned.map((c) => c.captureId))])).filter(Boolean).map((c) => c!.id));
  const notes = [...notesSoFar, ...cleaned.filter((c) => !known.has(c.captureId)).map((c) => c.note)];
  // Check records (issue 24): a broken chain refuses the import; an intact one is kept for the timeline.
  for (const a of articles) {
    const problem = a.checks === undefined ? undefined : verifyChain(a.checks, a.page.id).problems[0];
    if (problem) throw refusal({ file: `${a.dir}/checks.json`, message: problem });
  }
  const pageMap = new Map<string, string>();
  const summary = await mergeIntoLibrary(db, articles, claims, { signal: opts.signal, onProgress: (d, t) => opts.onProgress?.('write', d, t), pageMap });
  await keepChecks(db, articles, pageMap);
  return notes.length ? { ...summary, notes } : summary;
}

/** The library page: a picked File. */
export function importFile(db: SaqtaDB, file: Blob, opts?: ImportOptions): Promise<ImportSummary> {
  return importSource(db, blobSource(file), opts, file);
}

/** Bytes in memory (tests, tools). */
export function importBytes(db: SaqtaDB, bytes: Uint8Array, opts?: ImportOptions): Promise<ImportSummary> {
  return importSource(db, memorySource(bytes), opts);
}

/**
 * Sanitize every saved article copy and snapshot of a checked bundle (see
 * clean-html.ts); a copy that had dangerous parts is replaced by the cleaned
 * one, with its new size and SHA-256, and a note for the import summary.
 */
export async function cleanArticles(articles: ParsedArticle[], win: Window & typeof globalThis, signal?: AbortSignal, keepBytes = false): Promise<{ captureId: string; note: ImportNote }[]> {
  const notes: { captureId: string; note: ImportNote }[] = [];
  // The page gets a turn every ~15 ms of cleaning (not after every copy: a thousand turns cost more than the cleaning).
  const turn = sliceYield();
  for (const a of articles) {
    for (const c of a.captures) {
      for (const f of c.files) {
        if ((f.ref.kind !== 'article' && f.ref.kind !== 'snapshot') || !/html/i.test(f.ref.mime)) continue;
        const text = f.bytes ? utf8.decode(f.bytes) : await f.data.text();
        delete f.bytes;
        const r = cleanSavedHtml(f.ref.kind, text, win);
        if (r.removed.length && keepBytes) {
          notes.push({ captureId: c.record.id, note: { key: 'truthNoteCleanOnShow', args: [f.path, r.removed.join(', '), f.ref.sha256.slice(0, 12)] } });
        } else if (r.removed.length) {
          const bytes = new TextEncoder().encode(r.html);
          const was = f.ref.sha256;
          f.data = knownBlob(bytes, f.ref.mime);
          f.ref.sha256 = sha256Hex(bytes);
          f.ref.size = bytes.length;
          notes.push({ captureId: c.record.id, note: { key: 'impNoteCleaned', args: [f.path, r.removed.join(', '), was.slice(0, 12), f.ref.sha256.slice(0, 12)] } });
        }
        if (signal?.aborted) throw new Cancelled();
        await turn();
      }
    }
  }
  return notes;
}
