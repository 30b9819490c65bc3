/**
 * The bundle check off the library's main thread: the archive is read from
 * the File by slices, inflated, CRC-checked and hashed, and its records
 * parsed here (utils/bundle/read.ts, the same code verify runs); the page
 * gets progress messages and, at the end, only what the import writes
 * (articles with their artifacts as Blobs, claims, notes) — never the
 * file-by-file listing. A refusal comes back as the BundleError's fields.
 * The page sanitizes saved HTML (it has the DOM) and merges.
 */
import { parseBundle } from '../../utils/bundle/read';
import { blobSource } from '../../utils/zip/read';
import { BundleError } from '../../utils/zip/errors';
import type { WorkerReply } from '../../utils/import/import';

const post = (m: WorkerReply) => (self as unknown as { postMessage(m: unknown): void }).postMessage(m);

self.onmessage = async (ev: MessageEvent<Blob>) => {
  try {
    const p = await parseBundle(blobSource(ev.data), { onProgress: (done, total) => post({ type: 'progress', done, total }) });
    post({ type: 'done', parsed: { articles: p.articles, claims: p.claims, notes: p.notes } });
  } catch (e) {
    post({
      type: 'error',
      error: e instanceof BundleError ? { code: e.code, key: e.key, args: e.args, file: e.file, prefixed: e.prefixed } : { message: e instanceof Error ? e.message : String(e) },
    });
  }
};
