/** Import a file the reader picked: a Saqta bundle (.zip) or Web Annotation JSON-LD / Hypothesis JSON. */
import type { SaqtaDB } from '../db';
import { BundleError } from './errors';
import { fromJsonLd } from './jsonld';
import { mergeIntoLibrary, type ImportSummary } from './merge';
import { parseBundle } from './read';

export const MAX_JSON_IMPORT = 256 * 1024 * 1024;

export async function importBytes(db: SaqtaDB, bytes: Uint8Array): Promise<ImportSummary> {
  const first = bytes.subarray(0, 64);
  const head = new TextDecoder().decode(first).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    if (bytes.length > MAX_JSON_IMPORT) throw new BundleError('too-large', 'This JSON file is too large to import.');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new BundleError('annotations-json', 'This file is not valid UTF-8 text.');
    }
    return mergeIntoLibrary(db, [], fromJsonLd(text));
  }
  const parsed = parseBundle(bytes);
  return mergeIntoLibrary(db, parsed.articles, parsed.claims);
}
